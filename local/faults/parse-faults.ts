import {
  conflictingOperations,
  errorsOf,
  type FaultError,
  type FaultRule,
  type FaultService,
  faultErrors,
  faultOperations,
} from './fault-rules.ts'

/** A fault spec that cannot be used, with every problem found in it. */
export class FaultSpecError extends Error {
  override name = 'FaultSpecError'
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(`invalid fault spec: ${problems.join('; ')}`)
    this.problems = problems
  }
}

const services = Object.keys(faultOperations) as FaultService[]

/**
 * Reads a fault spec: rules separated by `;` or new lines (`#` starts a comment), each
 * `<scope>:<fault>=<value>,…` with the scope `*`, a service (`dynamodb`, `streams`, `sqs`,
 * `sns`) or `service.Operation`, and the faults `throttle`, `5xx`, `throughput`,
 * `conflict`, `lost` at a percentage and `latency=<ms>ms` or `<min>-<max>ms`, optionally
 * `@<percent>%` of requests:
 *
 *     dynamodb:throttle=5%,5xx=1%; dynamodb.TransactWriteItems:conflict=2%,lost=1%
 *     sqs.ReceiveMessage:latency=20-200ms@10%
 *
 * A JSON array of {@link FaultRule} is read as it is. Either way every rule is checked
 * (known service and operation, a fault the service can give, rates that add up to 100 %
 * at most, one rule per scope); all problems are thrown at once.
 */
export function parseFaults(text: string): FaultRule[] {
  const trimmed = text.trim()
  const problems: string[] = []
  const rules = /^[[{]/.test(trimmed) ? parseJsonRules(trimmed) : parseTextRules(trimmed, problems)
  problems.push(...rules.flatMap(ruleProblems))
  const scopes = new Set<string>()
  for (const rule of rules) {
    const scope = scopeOf(rule)
    if (scopes.has(scope)) problems.push(`'${scope}' has two rules; give it one`)
    scopes.add(scope)
  }
  if (problems.length > 0) throw new FaultSpecError(problems)
  return rules
}

/** `dynamodb.PutItem`, `sqs`, `*`: what a rule applies to, as a spec writes it. */
export function scopeOf(rule: Pick<FaultRule, 'service' | 'operation'>): string {
  return rule.operation ? `${rule.service}.${rule.operation}` : rule.service
}

function parseJsonRules(text: string): FaultRule[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new FaultSpecError([`not valid JSON: ${(error as Error).message}`])
  }
  if (!Array.isArray(parsed) || parsed.some((r) => typeof r !== 'object' || r === null)) {
    throw new FaultSpecError(['a JSON fault spec is an array of rules (objects)'])
  }
  return parsed as FaultRule[]
}

/** The rules `text` writes; what cannot be read goes to `problems`. */
function parseTextRules(text: string, problems: string[]): FaultRule[] {
  const rules: FaultRule[] = []
  const parts = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join(';')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '')
  for (const part of parts) {
    const colon = part.indexOf(':')
    if (colon < 0) {
      problems.push(`'${part}' is not <scope>:<fault>=<value>,…`)
      continue
    }
    const [service = '', operation] = part.slice(0, colon).trim().split('.')
    const rule: {
      service: string
      operation?: string
      errors: Partial<Record<FaultError, number>>
      lostReplies?: number
      latency?: FaultRule['latency']
    } = { service, errors: {} }
    if (operation !== undefined) rule.operation = operation
    for (const fault of part.slice(colon + 1).split(',')) {
      const [name = '', value = ''] = fault.split('=').map((s) => s.trim())
      if (name === 'latency') {
        const latency = parseLatency(value)
        if (latency) rule.latency = latency
        else problems.push(`'${fault.trim()}' is not latency=<ms>ms or <min>-<max>ms[@<percent>%]`)
      } else if (name === 'lost' || (faultErrors as readonly string[]).includes(name)) {
        const rate = parsePercent(value)
        if (rate === undefined) problems.push(`'${fault.trim()}': ${name} takes a percentage`)
        else if (name === 'lost') rule.lostReplies = rate
        else rule.errors[name as FaultError] = rate
      } else {
        problems.push(
          `'${fault.trim()}' names no fault (${[...faultErrors, 'lost', 'latency'].join(', ')})`,
        )
      }
    }
    rules.push(rule as FaultRule)
  }
  return rules
}

function parsePercent(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)%$/.exec(text)
  return match ? Number(match[1]) / 100 : undefined
}

function parseLatency(text: string): FaultRule['latency'] | undefined {
  const match = /^(\d+)(?:-(\d+))?ms(?:@(\d+(?:\.\d+)?%))?$/.exec(text)
  if (!match) return undefined
  const minMs = Number(match[1])
  const rate = match[3] ? parsePercent(match[3]) : 1
  return { minMs, maxMs: match[2] ? Number(match[2]) : minMs, rate: rate ?? 1 }
}

const isRate = (value: unknown): value is number =>
  typeof value === 'number' && value >= 0 && value <= 1

function ruleProblems(rule: FaultRule): string[] {
  const scope = scopeOf(rule)
  const service = rule.service
  if (service !== '*' && !services.includes(service)) {
    return [`'${scope}': no service '${service}' (*, ${services.join(', ')})`]
  }
  const problems: string[] = []
  if (rule.operation !== undefined) {
    if (service === '*') problems.push(`'${scope}': name a service with an operation`)
    else if (!faultOperations[service].includes(rule.operation)) {
      problems.push(
        `'${scope}': ${service} has no operation '${rule.operation}' (${faultOperations[service].join(', ')})`,
      )
    }
  }
  let total = rule.lostReplies ?? 0
  if (!isRate(total)) problems.push(`'${scope}': lost replies must be from 0% to 100%`)
  for (const [name, rate] of Object.entries(rule.errors ?? {})) {
    if (!(faultErrors as readonly string[]).includes(name)) {
      problems.push(`'${scope}': no error '${name}' (${faultErrors.join(', ')})`)
      continue
    }
    if (!isRate(rate)) problems.push(`'${scope}': ${name} must be from 0% to 100%`)
    else total += rate
    const error = name as FaultError
    const allowed = service === '*' ? faultErrors : errorsOf(service)
    if (!allowed.includes(error)) problems.push(`'${scope}': ${service} never answers ${name}`)
    else if (error === 'conflict' && rule.operation && !conflictingOperations.has(rule.operation)) {
      problems.push(
        `'${scope}': ${rule.operation} never conflicts (${[...conflictingOperations].join(', ')} do)`,
      )
    }
  }
  if (total > 1 + 1e-9) {
    problems.push(`'${scope}': its errors and lost replies add up to more than 100%`)
  }
  const latency = rule.latency
  if (latency) {
    const { minMs, maxMs, rate } = latency
    if (!(Number.isInteger(minMs) && Number.isInteger(maxMs) && minMs >= 0 && maxMs >= minMs)) {
      problems.push(`'${scope}': latency takes whole milliseconds, the least first`)
    }
    if (!isRate(rate)) problems.push(`'${scope}': latency's share must be from 0% to 100%`)
  }
  return problems
}

const percent = (rate: number) => `${Math.round(rate * 10000) / 100}%`

/** The rules as a spec `parseFaults` reads back to the same rules. */
export function formatFaults(rules: readonly FaultRule[]): string {
  return rules
    .map((rule) => {
      const faults = Object.entries(rule.errors ?? {}).map(
        ([name, rate]) => `${name}=${percent(rate)}`,
      )
      if (rule.lostReplies !== undefined) faults.push(`lost=${percent(rule.lostReplies)}`)
      const latency = rule.latency
      if (latency) {
        const span =
          latency.maxMs === latency.minMs ? `${latency.minMs}` : `${latency.minMs}-${latency.maxMs}`
        faults.push(`latency=${span}ms@${percent(latency.rate)}`)
      }
      return `${scopeOf(rule)}:${faults.join(',')}`
    })
    .join('; ')
}
