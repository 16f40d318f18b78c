import type { AttributeValue, Update } from '@aws-sdk/client-dynamodb'
import {
  IDEMPOTENCY_RECORD_ATTRIBUTES as attribute,
  IDEMPOTENCY_TABLE_SCHEMA as schema,
  IDEMPOTENCY_STATUS as status,
} from '../../contracts/idempotency-table.ts'

/*
 * The idempotency record of one event, `<consumer>#<eventId>` (its attributes and
 * statuses are contracts/idempotency-table.ts), and the rules of its states. Every time is
 * epoch seconds; `expiresAt` is the table's TTL attribute.
 *
 *     none, RELEASED, an ended lease, or past the dedupe window ──acquire──▶ IN_PROGRESS
 *     IN_PROGRESS ──complete (same owner)──▶ COMPLETED, remembered for the dedupe window
 *     IN_PROGRESS ──release (same owner, a failure counted)──▶ RELEASED
 *     IN_PROGRESS ──abandon (same owner, never started)──▶ RELEASED
 *
 * The record keeps the last owner's token after it completes or releases, so that a write
 * whose first try landed but whose reply was lost recognises its own work when it is tried
 * again: a completion or an abandonment simply lands again (the same state), a release
 * (which counts a failure, so must not land twice) is refused and finds its own token.
 *
 * Without leases (`leases: false`) nothing is written before the handler runs: its lock is
 * `unheld`, and completing or releasing is conditional on nobody holding the record (what an
 * acquisition asks) instead of on the owner, and writes the lock's token as the owner's. The
 * completion then is the record's only write, and when it commits with the handler's
 * effects, the first invocation to commit wins and the others' effects are cancelled with
 * their transaction: exactly once without a lease.
 */

/** Proof of holding an event's lease: completing or releasing is conditional on `owner`. */
export interface Lock {
  readonly key: string
  readonly owner: string
  /** Epoch seconds. */
  readonly leaseExpiresAt: number
  /**
   * `owner`: the record holds this lock's lease, and only its owner may write it. `unheld`:
   * no lease was written (leases off); a write needs the record held by nobody.
   * @default 'owner'
   */
  readonly fence?: 'owner' | 'unheld'
}

export type Acquisition =
  | { readonly status: 'acquired'; readonly lock: Lock }
  | { readonly status: 'completed' }
  | { readonly status: 'in-progress'; readonly leaseExpiresAt: number }

/** What the record remembers of an event's failures, for dead-letter metadata. */
export interface FailureHistory {
  /** Epoch seconds. */
  readonly firstFailureAt: number
  readonly failures: number
}

/** Where the records live and how long a completed one is remembered. */
export interface RecordTable {
  readonly tableName: string
  readonly dedupeWindowSeconds: number
}

type Item = Record<string, AttributeValue>

/** A conditional write that refuses while another owner's lease holds (then returns that record). */
export type AcquisitionUpdate = Update & { readonly ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }

/** The attribute each `#name` of an expression stands for. */
const placeholders: Readonly<Record<string, string>> = {
  '#id': schema.partitionKey,
  '#expiresAt': schema.timeToLiveAttribute,
  ...Object.fromEntries(Object.values(attribute).map((name) => [`#${name}`, name])),
}

/** The ExpressionAttributeNames of the `#names` the expressions use (DynamoDB refuses unused ones). */
function namesIn(...expressions: string[]): Record<string, string> {
  const used = expressions.join(' ').match(/#\w+/g) ?? []
  return Object.fromEntries(
    used.map((name) => {
      const stands = placeholders[name]
      if (stands === undefined) throw new Error(`${name} is not an idempotency record attribute`)
      return [name, stands]
    }),
  )
}

/** The table key of the record. */
export function recordKey(key: string): Item {
  return { [schema.partitionKey]: { S: key } }
}

export function newLock(
  key: string,
  owner: string,
  now: number,
  leaseSeconds: number,
  fence: 'owner' | 'unheld' = 'owner',
): Lock {
  return { key, owner, leaseExpiresAt: now + leaseSeconds, ...(fence === 'unheld' && { fence }) }
}

/**
 * Nobody holds the record: none, a released one, an ended lease, or a completed record past
 * its dedupe window (TTL deletes lazily). Values `:now`, `:inProgress`, `:released`.
 */
const unheld =
  'attribute_not_exists(#id) OR #expiresAt <= :now OR #status = :released OR (#status = :inProgress AND #leaseExpiresAt <= :now)'

/**
 * Takes the lease when nobody holds it: no record, a released one, an ended lease, or a
 * completed record past its dedupe window (TTL deletes lazily).
 */
export function acquisitionUpdate(table: RecordTable, lock: Lock, now: number): AcquisitionUpdate {
  const update =
    'SET #status = :inProgress, #owner = :owner, #leaseExpiresAt = :lease, #expiresAt = :expires'
  const condition = unheld
  return {
    TableName: table.tableName,
    Key: recordKey(lock.key),
    UpdateExpression: update,
    ConditionExpression: condition,
    ExpressionAttributeNames: namesIn(update, condition),
    ExpressionAttributeValues: {
      ':inProgress': { S: status.inProgress },
      ':released': { S: status.released },
      ':owner': { S: lock.owner },
      ':lease': { N: String(lock.leaseExpiresAt) },
      ':expires': { N: String(lock.leaseExpiresAt + table.dedupeWindowSeconds) },
      ':now': { N: String(now) },
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }
}

/** Completed for the dedupe window, if this lock still owns the record. */
export function completionUpdate(table: RecordTable, lock: Lock, now: number): Update {
  return fenced(
    table,
    lock,
    now,
    'SET #status = :completed, #completedAt = :now, #expiresAt = :expires REMOVE #leaseExpiresAt',
    {
      ':completed': { S: status.completed },
      ':now': { N: String(now) },
      ':expires': { N: String(now + table.dedupeWindowSeconds) },
    },
  )
}

/**
 * Released after a failure, counting it, if this lock still holds the record in progress
 * (not once more: a retry of a release that landed is refused, see `ownOutcome`).
 */
export function releaseUpdate(
  table: RecordTable,
  lock: Lock,
  now: number,
): Update & { readonly ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } {
  const update = fenced(
    table,
    lock,
    now,
    'SET #status = :released, #lastFailureAt = :now, #firstFailureAt = if_not_exists(#firstFailureAt, :now), #failures = if_not_exists(#failures, :zero) + :one REMOVE #leaseExpiresAt',
    {
      ':released': { S: status.released },
      ':inProgress': { S: status.inProgress },
      ':now': { N: String(now) },
      ':zero': { N: '0' },
      ':one': { N: '1' },
    },
    // Unheld, the record names no owner until a write of ours names it: a retry of a
    // release that landed finds its own token on the released record instead.
    lock.fence === 'unheld'
      ? 'NOT (#status = :released AND #owner = :owner)'
      : '#status = :inProgress',
  )
  return { ...update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }
}

/**
 * What the record that refused a release says of this lock's own writes whose replies were
 * lost: `released` (this very release landed: a retried write), `completed` (this lock's
 * completion landed, though its caller saw an error: the event is processed), or undefined
 * (another owner holds the record now).
 */
export function ownOutcome(
  holder: Item | undefined,
  lock: Lock,
): 'released' | 'completed' | undefined {
  if (holder?.[attribute.owner]?.S !== lock.owner) return undefined
  const state = holder[attribute.status]?.S
  if (state === status.released) return 'released'
  if (state === status.completed) return 'completed'
  return undefined
}

/** Released without counting a failure (the event never started), if this lock still owns it. */
export function abandonmentUpdate(table: RecordTable, lock: Lock, now: number): Update {
  return fenced(table, lock, now, 'SET #status = :released REMOVE #leaseExpiresAt', {
    ':released': { S: status.released },
  })
}

/**
 * A write of the record that only the lock's owner may make (the fence), or, for an unheld
 * lock, only while nobody holds the record (so a completed event is never completed twice);
 * an unheld write names the lock's token as the owner, as a lease would have.
 */
function fenced(
  table: RecordTable,
  lock: Lock,
  now: number,
  expression: string,
  values: Item,
  alsoRequired?: string,
): Update {
  const unheldLock = lock.fence === 'unheld'
  const fence = unheldLock ? `(${unheld})` : '#owner = :owner'
  const condition = alsoRequired ? `${fence} AND ${alsoRequired}` : fence
  const update = unheldLock ? expression.replace(/^SET /, 'SET #owner = :owner, ') : expression
  return {
    TableName: table.tableName,
    Key: recordKey(lock.key),
    UpdateExpression: update,
    ConditionExpression: condition,
    ExpressionAttributeNames: namesIn(update, condition),
    ExpressionAttributeValues: {
      ':owner': { S: lock.owner },
      ...values,
      ...(unheldLock && {
        ':now': { N: String(now) },
        ':inProgress': { S: status.inProgress },
        ':released': { S: status.released },
      }),
    },
  }
}

/**
 * What a refused acquisition means, given the record that refused it: acquired when the
 * record is this lock's own lease (an SDK retry of a write that landed but whose response
 * was lost), completed or in progress while that holds, or undefined when the record no
 * longer refuses (it changed since the write: try again).
 */
export function refusalOf(
  holder: Item | undefined,
  lock: Lock,
  now: number,
): Acquisition | undefined {
  if (!holder) return undefined
  const state = holder[attribute.status]?.S
  if (state === status.inProgress && holder[attribute.owner]?.S === lock.owner) {
    return { status: 'acquired', lock }
  }
  if (Number(holder[schema.timeToLiveAttribute]?.N ?? 0) <= now) return undefined
  if (state === status.completed) return { status: 'completed' }
  const leaseExpiresAt = Number(holder[attribute.leaseExpiresAt]?.N ?? 0)
  if (state === status.inProgress && leaseExpiresAt > now) {
    return { status: 'in-progress', leaseExpiresAt }
  }
  return undefined
}

/** The failure history of a record just released at `now`. */
export function failureHistoryOf(released: Item | undefined, now: number): FailureHistory {
  return {
    firstFailureAt: Number(released?.[attribute.firstFailureAt]?.N ?? now),
    failures: Number(released?.[attribute.failures]?.N ?? 1),
  }
}
