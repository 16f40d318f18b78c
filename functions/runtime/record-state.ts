import type { SQSRecord } from 'aws-lambda'
import type { EventEnvelope } from '../catalogue/envelope.ts'
import type { Acquisition, Lock } from './idempotency-record.ts'
import type { RecordLogger } from './record-logger.ts'

/**
 * Where a record of the batch is on its way (see the runtime README):
 *
 *     read ─▶ invalid ───────────────────────────────┐
 *          └▶ valid ─lease─▶ held ─handle─▶ handled ─complete─┼─▶ settled
 *                         └▶ refused ─────────────────────────┤
 *     any phase ─▶ failed ─fail─▶ settled                     │
 *     time ran short, or its FIFO group stopped ─▶ not-started ┘
 *
 * Each phase takes the states it acts on and passes the others through.
 */
export type RecordState = Invalid | Valid | Held | Refused | Handled | Failed | Settled | NotStarted

/** After the lease phase: what the lanes start (or, when time ran short, never start). */
export type Leased = Invalid | Held | Refused | NotStarted
/** A record a lane starts. */
export type Started = Exclude<Leased, NotStarted>
/** After the lanes: handled (to complete), settled, or never started. */
export type Ran = Handled | Settled | NotStarted

/** What every state carries: the SQS record and this receive of it. */
interface Received {
  readonly record: SQSRecord
  /** This receive of the message: 1 on the first (ApproximateReceiveCount). */
  readonly attempt: number
  /** Logs with this record's ids. */
  readonly log: RecordLogger
}

/** A valid event of this consumer, and its idempotency key `<consumer>#<eventId>`. */
interface Identified extends Received {
  readonly event: EventEnvelope
  readonly key: string
}

/** Not an event of this consumer (`error` says why): ignored or dead-lettered. */
export interface Invalid extends Received {
  readonly state: 'invalid'
  readonly error: unknown
}

/** Read and validated; its lease not asked for yet. */
export interface Valid extends Identified {
  readonly state: 'valid'
}

/** This invocation holds the event's lease. */
export interface Held extends Identified {
  readonly state: 'held'
  readonly lock: Lock
}

/** The lease was refused (completed: a duplicate; held by another invocation), or asking failed. */
export interface Refused extends Identified {
  readonly state: 'refused'
  readonly refusal:
    | Exclude<Acquisition, { readonly status: 'acquired' }>
    | { readonly status: 'failed'; readonly error: unknown }
}

/** The handler succeeded; the record is completed with the batch's others. */
export interface Handled extends Identified {
  readonly state: 'handled'
  readonly lock: Lock
  readonly durationMs: number
}

/** Failed in some phase; the fail phase releases `lock` (when held) and settles it. */
export interface Failed extends Received {
  readonly state: 'failed'
  readonly error: unknown
  readonly lock: Lock | undefined
}

/** Done with: only `retry` is reported to Lambda as a batch item failure. */
export interface Settled extends Received {
  readonly state: 'settled'
  readonly outcome: RecordOutcome
}

/** Never started: time ran short, or an earlier record of its FIFO group did not succeed. */
export interface NotStarted extends Received {
  readonly state: 'not-started'
}

/** What became of a record. */
export type RecordOutcome =
  | { readonly kind: 'processed' | 'duplicate' | 'ignored' | 'dead-lettered' }
  | { readonly kind: 'retry'; readonly error: unknown; readonly delaySeconds?: number }

/** The record in a new state, keeping what it carries from its read. */
export function settled(state: Received, outcome: RecordOutcome): Settled {
  return { record: state.record, attempt: state.attempt, log: state.log, state: 'settled', outcome }
}

export function failed(state: Received, error: unknown, lock?: Lock): Failed {
  return {
    record: state.record,
    attempt: state.attempt,
    log: state.log,
    state: 'failed',
    error,
    lock,
  }
}

export function notStarted(state: Received): NotStarted {
  return { record: state.record, attempt: state.attempt, log: state.log, state: 'not-started' }
}

/** True when the record may be deleted (a handled one is completed later). */
export function succeeded(state: RecordState): boolean {
  if (state.state === 'handled') return true
  return state.state === 'settled' && state.outcome.kind !== 'retry'
}
