import { isIP } from 'node:net'
import type { FilterPolicyScope } from './filter-policy-validation.ts'

/**
 * SNS subscription filter-policy matching as AWS does it: "Amazon SNS message filtering"
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html) and its pages on
 * policy matching, key matching, the operators and `$or`. The validator
 * (filter-policy-validation.ts) has already accepted the policy; this reads it as valid.
 *
 * A policy's keys are ANDed, the matchers in a key's list ORed, `$or` alternatives ORed at
 * any depth. What a key is matched against, its values:
 * - MessageAttributes scope: a `String` attribute is a string, a `Number` one a number, a
 *   `String.Array` one each of its members ("the policy matches when any value of the array
 *   matches"); a `Binary` attribute is present but has no value a policy can match.
 * - MessageBody scope: the body as a JSON object, flattened to paths: a nested policy key,
 *   or a dotted one (`"a.b"`), names the path `a.b`, and arrays at any depth contribute each
 *   of their members, so an array of objects is matched member by member.
 * A number matches numbers only and a string strings only: a body's `"5"` is not `5`.
 */
export interface FilterPolicyMessage {
  readonly attributes: Readonly<Record<string, { DataType: string; StringValue?: string }>>
  /** The body parsed as JSON; anything but an object matches no body policy. */
  readonly body?: unknown
}

/** A key's values; `undefined` when the message does not have the key at all. */
type Values = readonly unknown[] | undefined

/** Whether the message says nothing about a key (only for partial attribute sets). */
type Lookup = (path: string) => Values | 'unknown'

/**
 * Whether `policy` selects `message`. With `partial`, the message's attributes are only some
 * of those it will carry: a rule on one it does not list is undecided (`undefined`) rather
 * than unmatched, and the result is undefined when such a rule decides it.
 */
export function filterPolicyMatches(
  policy: unknown,
  scope: FilterPolicyScope,
  message: FilterPolicyMessage,
  options: { readonly partial?: boolean } = {},
): boolean | undefined {
  if (!isObject(policy)) return false
  if (scope === 'MessageBody') {
    if (!isObject(message.body)) return false
    const paths = flatten(message.body)
    return matchesObject(policy, '', (path) => paths.get(path))
  }
  return matchesObject(policy, '', (name) => {
    const attribute = Object.hasOwn(message.attributes, name) ? message.attributes[name] : undefined
    if (!attribute) return options.partial ? 'unknown' : undefined
    return attributeValues(attribute)
  })
}

function matchesObject(
  policy: Record<string, unknown>,
  prefix: string,
  lookup: Lookup,
): boolean | undefined {
  let result: boolean | undefined = true
  for (const [key, rule] of Object.entries(policy)) {
    let matched: boolean | undefined
    if (key === '$or') {
      matched = anyOf(
        (Array.isArray(rule) ? rule : []).map((alternative) =>
          isObject(alternative) ? matchesObject(alternative, prefix, lookup) : false,
        ),
      )
    } else if (Array.isArray(rule)) {
      const values = lookup(prefix + key)
      matched = values === 'unknown' ? undefined : rule.some((m) => matchesRule(m, values))
    } else if (isObject(rule)) {
      matched = matchesObject(rule, `${prefix}${key}.`, lookup)
    } else matched = false
    if (matched === false) return false
    if (matched === undefined) result = undefined
  }
  return result
}

function anyOf(results: readonly (boolean | undefined)[]): boolean | undefined {
  if (results.includes(true)) return true
  return results.includes(undefined) ? undefined : false
}

function attributeValues(attribute: { DataType: string; StringValue?: string }): Values {
  const { DataType, StringValue } = attribute
  if (DataType.startsWith('Binary') || StringValue === undefined) return []
  if (DataType.startsWith('Number')) return [Number(StringValue)]
  if (DataType === 'String.Array') {
    try {
      const members: unknown = JSON.parse(StringValue)
      if (Array.isArray(members)) return members.filter((member) => !isObject(member))
    } catch {
      // Not a JSON array: SNS refuses it on Publish; here it is one string.
    }
  }
  return [StringValue]
}

/** Every leaf of a JSON object by dotted path, arrays contributing each member. */
function flatten(body: Record<string, unknown>): Map<string, unknown[]> {
  const paths = new Map<string, unknown[]>()
  const visit = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      for (const member of value) visit(member, path)
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) visit(child, path ? `${path}.${key}` : key)
    } else {
      const leaves = paths.get(path)
      if (leaves) leaves.push(value)
      else paths.set(path, [value])
    }
  }
  visit(body, '')
  return paths
}

/** One matcher of a key's list against the key's values. */
function matchesRule(matcher: unknown, values: Values): boolean {
  if (isObject(matcher) && 'exists' in matcher) return matcher.exists === (values !== undefined)
  if (!values) return false
  return values.some((value) => matchesValue(matcher, value))
}

function matchesValue(matcher: unknown, value: unknown): boolean {
  if (!isObject(matcher)) return matcher === value
  const [operator, operand] = Object.entries(matcher)[0] ?? []
  const text = typeof value === 'string' ? value : undefined
  switch (operator) {
    case 'prefix':
      return text !== undefined && affix(operand, text, (s, a) => s.startsWith(a))
    case 'suffix':
      return text !== undefined && affix(operand, text, (s, a) => s.endsWith(a))
    case 'equals-ignore-case':
      return (
        text !== undefined &&
        typeof operand === 'string' &&
        text.toLowerCase() === operand.toLowerCase()
      )
    case 'wildcard':
      return text !== undefined && typeof operand === 'string' && wildcard(operand).test(text)
    case 'anything-but':
      if (Array.isArray(operand)) return !operand.some((excluded) => excluded === value)
      if (isObject(operand)) return text !== undefined && !matchesValue(operand, text)
      return operand !== value
    case 'numeric':
      return typeof value === 'number' && numeric(operand, value)
    case 'cidr':
      return text !== undefined && typeof operand === 'string' && inCidr(operand, text)
    default:
      return false
  }
}

/** `{"prefix": "a"}` or `{"prefix": {"equals-ignore-case": "a"}}`. */
function affix(
  operand: unknown,
  text: string,
  test: (s: string, affix: string) => boolean,
): boolean {
  if (typeof operand === 'string') return test(text, operand)
  if (isObject(operand) && typeof operand['equals-ignore-case'] === 'string') {
    return test(text.toLowerCase(), operand['equals-ignore-case'].toLowerCase())
  }
  return false
}

const comparisons: Readonly<Record<string, (n: number, bound: number) => boolean>> = {
  '=': (n, bound) => n === bound,
  '>': (n, bound) => n > bound,
  '>=': (n, bound) => n >= bound,
  '<': (n, bound) => n < bound,
  '<=': (n, bound) => n <= bound,
}

function numeric(operand: unknown, n: number): boolean {
  if (!Array.isArray(operand)) return false
  for (let i = 0; i + 1 < operand.length; i += 2) {
    const compare = comparisons[String(operand[i])]
    if (!compare?.(n, Number(operand[i + 1]))) return false
  }
  return true
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${escaped.join('.*')}$`, 's')
}

/** Whether an IPv4 or IPv6 address lies in a CIDR block of the same family. */
function inCidr(cidr: string, address: string): boolean {
  const [network, bits] = cidr.split('/')
  const family = isIP(address)
  if (!network || family === 0 || isIP(network) !== family) return false
  const width = family === 4 ? 32 : 128
  const mask = Number(bits)
  const a = ipBits(address, family)
  const n = ipBits(network, family)
  const shift = BigInt(width - mask)
  return a >> shift === n >> shift
}

function ipBits(address: string, family: number): bigint {
  if (family === 4) {
    return address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n)
  }
  // Expand `::` to the zero groups it stands for; an embedded IPv4 tail is two groups.
  let text = address
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4?.[1]) {
    const n = ipBits(v4[1], 4)
    text = `${text.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const headGroups = head ? head.split(':') : []
  const tailGroups = tail ? tail.split(':') : []
  const zeros = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill('0')
  return [...headGroups, ...zeros, ...tailGroups].reduce(
    (acc, group) => (acc << 16n) | BigInt(Number.parseInt(group, 16)),
    0n,
  )
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
