import {
  conflictingOperations,
  errorsOf,
  type FaultError,
  type FaultRule,
  type FaultService,
} from './fault-rules.ts'
import { scopeOf } from './parse-faults.ts'

/** What goes wrong with one request; `undefined` from `decide` when nothing does. */
export interface FaultDecision {
  /** Wait this long before serving (or before answering with the error). */
  readonly latencyMs: number
  /** Answer with this error instead of serving. */
  readonly error?: FaultError
  /** Serve, then drop the reply. */
  readonly lostReply: boolean
}

/** What was injected into one operation (`dynamodb.PutItem`) so far. */
interface FaultCounts {
  /** Requests a rule applied to. */
  requests: number
  /** Requests answered with each error. */
  errors: Partial<Record<FaultError, number>>
  lostReplies: number
  delayed: number
}

/** Per `service.Operation`, what was injected. */
export type FaultReport = Record<string, FaultCounts>

/**
 * Decides, request by request, which fault (if any) the embedded AWS injects, by the most
 * specific rule that applies (`service.Operation`, then `service`, then `*`), and counts
 * what it injected. One error or a lost reply at most per request (one draw over their
 * shares); latency is drawn apart and may come with either.
 */
export class FaultInjector {
  #rules = new Map<string, FaultRule>()
  #counts: FaultReport = {}
  readonly #random: () => number

  constructor(rules: readonly FaultRule[] = [], random: () => number = Math.random) {
    this.#random = random
    this.set(rules)
  }

  /** Replaces the rules (already checked by `parseFaults`); `[]` turns injection off. */
  set(rules: readonly FaultRule[]): void {
    this.#rules = new Map(rules.map((rule) => [scopeOf(rule), rule]))
  }

  get rules(): FaultRule[] {
    return [...this.#rules.values()]
  }

  decide(service: FaultService, operation: string): FaultDecision | undefined {
    if (this.#rules.size === 0) return undefined
    const rule =
      this.#rules.get(`${service}.${operation}`) ?? this.#rules.get(service) ?? this.#rules.get('*')
    if (!rule) return undefined
    const key = `${service}.${operation}`
    const counts = this.#counts[key] ?? emptyCounts()
    this.#counts[key] = counts
    counts.requests++

    let error: FaultError | undefined
    let lostReply = false
    const draw = this.#random()
    let upTo = 0
    for (const name of errorsOf(service)) {
      if (name === 'conflict' && !conflictingOperations.has(operation)) continue
      upTo += rule.errors?.[name] ?? 0
      if (draw < upTo) {
        error = name
        break
      }
    }
    if (!error && draw < upTo + (rule.lostReplies ?? 0)) lostReply = true

    let latencyMs = 0
    const latency = rule.latency
    if (latency && this.#random() < latency.rate) {
      latencyMs = latency.minMs + Math.round(this.#random() * (latency.maxMs - latency.minMs))
    }
    if (error) counts.errors[error] = (counts.errors[error] ?? 0) + 1
    if (lostReply) counts.lostReplies++
    if (latencyMs > 0) counts.delayed++
    if (!error && !lostReply && latencyMs === 0) return undefined
    return { latencyMs, error, lostReply }
  }

  /** What was injected since the start (a copy). */
  report(): FaultReport {
    return structuredClone(this.#counts)
  }
}

/** Adds `b`'s counts to `a`'s (the DynamoDB thread keeps its own). */
export function mergeFaultReports(a: FaultReport, b: FaultReport): FaultReport {
  const merged = structuredClone(a)
  for (const [key, counts] of Object.entries(b)) {
    const into = merged[key] ?? emptyCounts()
    merged[key] = into
    into.requests += counts.requests
    into.lostReplies += counts.lostReplies
    into.delayed += counts.delayed
    for (const [name, n] of Object.entries(counts.errors) as [FaultError, number][]) {
      into.errors[name] = (into.errors[name] ?? 0) + n
    }
  }
  return merged
}

const emptyCounts = (): FaultCounts => ({ requests: 0, errors: {}, lostReplies: 0, delayed: 0 })
