import type { SubscriptionFilter } from './readers/index.ts'

/**
 * Whether a filter policy selects an event with these message attributes: true, false, or
 * undefined when the policy uses what this check does not evaluate (a body scope, `$or`,
 * numeric matching, an attribute not given). Covers what the pipeline's subscriptions use:
 * exact strings, `prefix`, `anything-but` and `exists`.
 */
export function policySelects(
  filter: SubscriptionFilter | undefined,
  attributes: Readonly<Record<string, string>>,
): boolean | undefined {
  if (!filter) return undefined
  if (!filter.policy) return true
  if (filter.scope !== 'MessageAttributes') return undefined
  let result: boolean | undefined = true
  for (const [key, rule] of Object.entries(filter.policy)) {
    if (key.startsWith('$') || !Array.isArray(rule)) return undefined
    const value = attributes[key]
    const matched = matchesAny(rule, value)
    if (matched === false) return false
    if (matched === undefined) result = undefined
  }
  return result
}

function matchesAny(rules: readonly unknown[], value: string | undefined): boolean | undefined {
  let unknown = false
  for (const rule of rules) {
    const matched = matchesOne(rule, value)
    if (matched === true) return true
    if (matched === undefined) unknown = true
  }
  return unknown ? undefined : false
}

function matchesOne(rule: unknown, value: string | undefined): boolean | undefined {
  if (typeof rule === 'string') return value === undefined ? undefined : value === rule
  if (!rule || typeof rule !== 'object') return undefined
  const r = rule as Record<string, unknown>
  if (typeof r.exists === 'boolean') return value === undefined ? undefined : r.exists
  if (value === undefined) return undefined
  if (typeof r.prefix === 'string') return value.startsWith(r.prefix)
  if ('anything-but' in r) {
    const but = r['anything-but']
    if (typeof but === 'string') return value !== but
    if (Array.isArray(but) && but.every((b) => typeof b === 'string')) return !but.includes(value)
    if (but && typeof but === 'object' && typeof (but as { prefix?: unknown }).prefix === 'string')
      return !value.startsWith((but as { prefix: string }).prefix)
  }
  return undefined
}
