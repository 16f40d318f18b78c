import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import {
  DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb'
import { EffectsRejectedError, LeaseLostError, TransientError } from './errors.ts'
import { awsLimits, runtimeDefaults } from './runtime-defaults.ts'

/** DynamoDB writes a handler returns to commit with its idempotency record, all or nothing. */
export type EffectWrites = NonNullable<TransactWriteCommandInput['TransactItems']>

/** Proof of holding an event's lease: completing or releasing is conditional on `owner`. */
export interface Lock {
  readonly key: string
  readonly owner: string
  /** Epoch seconds. */
  readonly leaseExpiresAt: number
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

export interface IdempotencyStoreOptions {
  readonly dynamodb: DynamoDBClient
  /** Partition key `id` (S); TTL attribute `expiresAt` (epoch seconds). */
  readonly tableName: string
  readonly dedupeWindowSeconds: number
  /** Epoch milliseconds. */
  readonly now: () => number
  readonly newOwner: () => string
  /** One TransactWriteItems for many records. @default runtimeDefaults.batchIdempotencyWrites */
  readonly batchWrites?: boolean
}

const IN_PROGRESS = 'IN_PROGRESS'
const COMPLETED = 'COMPLETED'
const RELEASED = 'RELEASED'

/**
 * Idempotency records on DynamoDB conditional writes: a fenced lock per event (owner
 * token + lease), then a completed record kept for the dedupe window. Every time is epoch
 * seconds; `expiresAt` is the table's TTL attribute.
 *
 * Record: `id`, `status` (IN_PROGRESS | COMPLETED | RELEASED), `owner`, `leaseExpiresAt`,
 * `expiresAt`, `completedAt`, `firstFailureAt`, `lastFailureAt`, `failures`.
 */
export class IdempotencyStore {
  readonly #options: IdempotencyStoreOptions
  #documents: DynamoDBDocumentClient | undefined

  readonly #batchWrites: boolean

  constructor(options: IdempotencyStoreOptions) {
    this.#options = options
    this.#batchWrites = options.batchWrites ?? runtimeDefaults.batchIdempotencyWrites
  }

  /**
   * Takes the event's lease when nobody holds it: no record, a released one, an expired
   * lease, or a completed record past its dedupe window (TTL deletes lazily). One
   * conditional UpdateItem; a refusal returns what holds it, unless the holder is this
   * lock itself (an SDK retry of a write that landed): then it is acquired.
   */
  acquire(key: string, leaseSeconds: number): Promise<Acquisition> {
    return this.#acquire(key, leaseSeconds, [])
  }

  /** `acquire`; a lock whose write failed without an answer (it may have landed) goes to `inDoubt`. */
  async #acquire(key: string, leaseSeconds: number, inDoubt: Lock[]): Promise<Acquisition> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.#nowSeconds()
      const lock: Lock = {
        key,
        owner: this.#options.newOwner(),
        leaseExpiresAt: now + leaseSeconds,
      }
      try {
        await this.#options.dynamodb.send(new UpdateItemCommand(this.#acquisitionUpdate(lock, now)))
        return { status: 'acquired', lock }
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) {
          inDoubt.push(lock)
          throw error
        }
        const holder = error.Item ?? (await this.#read(key))
        // Our own write, landed by an earlier try whose response was lost (an SDK retry).
        if (holder && heldBy(holder, lock)) return { status: 'acquired', lock }
        const refusal = holder && refusalOf(holder, this.#nowSeconds())
        if (refusal) return refusal
        // The holder changed between our write and our read: try again.
      }
    }
    throw new TransientError(`could not acquire ${key}: its record kept changing`)
  }

  /** Marks the event completed for the dedupe window, if this lock still owns it. */
  async complete(lock: Lock): Promise<void> {
    try {
      await this.#options.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.#options.tableName,
          Key: { id: { S: lock.key } },
          ...this.#completion(lock),
        }),
      )
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new LeaseLostError(lock.key, 'complete', { cause: error })
      }
      throw error
    }
  }

  /**
   * Commits the handler's writes and the completion of the record in one
   * TransactWriteItems: all or nothing, and nothing when the lease was lost.
   */
  async completeWith(lock: Lock, writes: EffectWrites): Promise<void> {
    if (writes.length > awsLimits.maxTransactItems - 1) {
      throw new EffectsRejectedError(
        `${lock.key}: the handler returned ${writes.length} writes; one transaction takes at most ${awsLimits.maxTransactItems - 1} besides the idempotency record`,
      )
    }
    const completion = this.#completion(lock)
    this.#documents ??= DynamoDBDocumentClient.from(this.#options.dynamodb)
    try {
      await this.#documents.send(
        new TransactWriteCommand({
          TransactItems: [
            ...writes,
            {
              Update: {
                TableName: this.#options.tableName,
                Key: { id: lock.key },
                UpdateExpression: completion.UpdateExpression,
                ConditionExpression: completion.ConditionExpression,
                ExpressionAttributeNames: completion.ExpressionAttributeNames,
                ExpressionAttributeValues: unmarshalled(completion.ExpressionAttributeValues),
              },
            },
          ],
        }),
      )
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error
      const reasons = error.CancellationReasons ?? []
      if (reasons[writes.length]?.Code === 'ConditionalCheckFailed') {
        throw new LeaseLostError(lock.key, 'commit the effects of', { cause: error })
      }
      const rejected = reasons
        .map((reason, index) => ({ index, code: reason.Code }))
        .filter((reason) => reason.code && reason.code !== 'None')
        .map((reason) => `write ${reason.index}: ${reason.code}`)
      throw new EffectsRejectedError(
        `${lock.key}: the transaction was cancelled (${rejected.join(', ') || error.message})`,
        { cause: error },
      )
    }
  }

  /**
   * Gives the lease back after a failure so a later receive can take it, counting the
   * failure; returns the failure history for dead-letter metadata.
   */
  async release(lock: Lock): Promise<FailureHistory> {
    const now = this.#nowSeconds()
    try {
      const result = await this.#options.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.#options.tableName,
          Key: { id: { S: lock.key } },
          UpdateExpression:
            'SET #status = :released, lastFailureAt = :now, firstFailureAt = if_not_exists(firstFailureAt, :now), failures = if_not_exists(failures, :zero) + :one REMOVE #owner, leaseExpiresAt',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':released': { S: RELEASED },
            ':owner': { S: lock.owner },
            ':now': { N: String(now) },
            ':zero': { N: '0' },
            ':one': { N: '1' },
          },
          ReturnValues: 'ALL_NEW',
        }),
      )
      return {
        firstFailureAt: Number(result.Attributes?.firstFailureAt?.N ?? now),
        failures: Number(result.Attributes?.failures?.N ?? 1),
      }
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new LeaseLostError(lock.key, 'release', { cause: error })
      }
      throw error
    }
  }

  /**
   * `acquire` for many events in one TransactWriteItems (up to 100 a request) instead of
   * one request each. The transaction is cancelled as a whole when one event is held;
   * the cancellation reasons say which (with the holder's record), and the others are
   * tried again. Events a transaction cannot settle fall back to `acquire`.
   *
   * All or nothing: when a request fails, the leases already taken (and those of the
   * request that failed, which may have landed) are abandoned before the error is thrown,
   * so no event stays held until its lease ends.
   */
  async acquireMany(
    keys: readonly string[],
    leaseSeconds: number,
  ): Promise<Map<string, Acquisition>> {
    const result = new Map<string, Acquisition>()
    const inDoubt: Lock[] = []
    try {
      await this.#acquireInto(result, inDoubt, [...new Set(keys)], leaseSeconds)
    } catch (error) {
      const taken = [...result.values()].flatMap((a) => (a.status === 'acquired' ? [a.lock] : []))
      await this.abandon([...taken, ...inDoubt])
      throw error
    }
    return result
  }

  async #acquireInto(
    result: Map<string, Acquisition>,
    inDoubt: Lock[],
    unique: readonly string[],
    leaseSeconds: number,
  ): Promise<void> {
    const single: string[] = []
    for (let start = 0; start < unique.length; start += awsLimits.maxTransactItems) {
      let pending = unique.slice(start, start + awsLimits.maxTransactItems)
      for (let round = 0; pending.length > 1 && this.#batchWrites && round < 3; round++) {
        const now = this.#nowSeconds()
        const locks = pending.map((key) => this.#newLock(key, now, leaseSeconds))
        try {
          await this.#options.dynamodb.send(
            new TransactWriteItemsCommand({
              TransactItems: locks.map((lock) => ({ Update: this.#acquisitionUpdate(lock, now) })),
            }),
          )
          for (const lock of locks) result.set(lock.key, { status: 'acquired', lock })
          pending = []
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) {
            inDoubt.push(...locks)
            throw error
          }
          const retry: string[] = []
          for (const [index, key] of pending.entries()) {
            const reason = error.CancellationReasons?.[index]
            if (reason?.Code === 'None') retry.push(key)
            else if (reason?.Code === 'ConditionalCheckFailed') {
              const holder = reason.Item ?? (await this.#read(key))
              if (holder && heldBy(holder, locks[index]!)) {
                result.set(key, { status: 'acquired', lock: locks[index]! })
                continue
              }
              const refusal = holder && refusalOf(holder, this.#nowSeconds())
              if (refusal) result.set(key, refusal)
              else retry.push(key)
            } else single.push(key) // a conflicting transaction or throttling: one at a time
          }
          pending = retry
        }
      }
      single.push(...pending)
    }
    // Every single acquire settles before a failure is thrown, so none is left untracked.
    const acquisitions = await Promise.allSettled(
      single.map((key) => this.#acquire(key, leaseSeconds, inDoubt)),
    )
    let failure: PromiseRejectedResult | undefined
    for (const [index, key] of single.entries()) {
      const acquisition = acquisitions[index]!
      if (acquisition.status === 'fulfilled') result.set(key, acquisition.value)
      else failure ??= acquisition
    }
    if (failure) throw failure.reason
  }

  /**
   * `complete` for many locks in one TransactWriteItems (up to 100 a request). Each lock
   * maps to `completed` or the `LeaseLostError` of a lock another owner took over.
   */
  async completeMany(locks: readonly Lock[]): Promise<Map<string, 'completed' | Error>> {
    const result = new Map<string, 'completed' | Error>()
    const single: Lock[] = []
    for (let start = 0; start < locks.length; start += awsLimits.maxTransactItems) {
      let pending = locks.slice(start, start + awsLimits.maxTransactItems)
      for (let round = 0; pending.length > 1 && this.#batchWrites && round < 3; round++) {
        try {
          await this.#options.dynamodb.send(
            new TransactWriteItemsCommand({
              TransactItems: pending.map((lock) => ({
                Update: {
                  TableName: this.#options.tableName,
                  Key: { id: { S: lock.key } },
                  ...this.#completion(lock),
                },
              })),
            }),
          )
          for (const lock of pending) result.set(lock.key, 'completed')
          pending = []
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error
          const retry: Lock[] = []
          for (const [index, lock] of pending.entries()) {
            const code = error.CancellationReasons?.[index]?.Code
            if (code === 'None') retry.push(lock)
            else if (code === 'ConditionalCheckFailed') {
              result.set(lock.key, new LeaseLostError(lock.key, 'complete', { cause: error }))
            } else single.push(lock)
          }
          pending = retry
        }
      }
      single.push(...pending)
    }
    await Promise.all(
      single.map(async (lock) => {
        try {
          await this.complete(lock)
          result.set(lock.key, 'completed')
        } catch (error) {
          result.set(lock.key, error as Error)
        }
      }),
    )
    return result
  }

  /**
   * Gives back leases of events this invocation took but never started (time ran short,
   * or their FIFO group stopped), without counting a failure. Best effort: a lease left
   * behind only ends at its expiry.
   */
  async abandon(locks: readonly Lock[]): Promise<void> {
    const abandonment = (lock: Lock) => ({
      TableName: this.#options.tableName,
      Key: { id: { S: lock.key } },
      UpdateExpression: 'SET #status = :released REMOVE #owner, leaseExpiresAt',
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
      ExpressionAttributeValues: { ':released': { S: RELEASED }, ':owner': { S: lock.owner } },
    })
    await Promise.allSettled(
      locks.map((lock) => this.#options.dynamodb.send(new UpdateItemCommand(abandonment(lock)))),
    )
  }

  #newLock(key: string, now: number, leaseSeconds: number): Lock {
    return { key, owner: this.#options.newOwner(), leaseExpiresAt: now + leaseSeconds }
  }

  #acquisitionUpdate(lock: Lock, now: number) {
    return {
      TableName: this.#options.tableName,
      Key: { id: { S: lock.key } },
      UpdateExpression:
        'SET #status = :inProgress, #owner = :owner, leaseExpiresAt = :lease, expiresAt = :expires',
      ConditionExpression:
        'attribute_not_exists(id) OR expiresAt <= :now OR #status = :released OR (#status = :inProgress AND leaseExpiresAt <= :now)',
      ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
      ExpressionAttributeValues: {
        ':inProgress': { S: IN_PROGRESS },
        ':released': { S: RELEASED },
        ':owner': { S: lock.owner },
        ':lease': { N: String(lock.leaseExpiresAt) },
        ':expires': { N: String(lock.leaseExpiresAt + this.#options.dedupeWindowSeconds) },
        ':now': { N: String(now) },
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    }
  }

  #completion(lock: Lock) {
    const now = this.#nowSeconds()
    return {
      UpdateExpression:
        'SET #status = :completed, completedAt = :now, expiresAt = :expires REMOVE #owner, leaseExpiresAt',
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
      ExpressionAttributeValues: {
        ':completed': { S: COMPLETED },
        ':owner': { S: lock.owner },
        ':now': { N: String(now) },
        ':expires': { N: String(now + this.#options.dedupeWindowSeconds) },
      } satisfies Record<string, AttributeValue>,
    }
  }

  async #read(key: string): Promise<Record<string, AttributeValue> | undefined> {
    const result = await this.#options.dynamodb.send(
      new GetItemCommand({
        TableName: this.#options.tableName,
        Key: { id: { S: key } },
        ConsistentRead: true,
      }),
    )
    return result.Item
  }

  #nowSeconds(): number {
    return Math.floor(this.#options.now() / 1000)
  }
}

/** True when the record is this lock's lease: its owner token, still in progress. */
function heldBy(item: Record<string, AttributeValue>, lock: Lock): boolean {
  return item.status?.S === IN_PROGRESS && item.owner?.S === lock.owner
}

/** Why an existing record refuses a new owner, or undefined when it no longer does. */
function refusalOf(item: Record<string, AttributeValue>, now: number): Acquisition | undefined {
  const status = item.status?.S
  const expiresAt = Number(item.expiresAt?.N ?? 0)
  if (expiresAt <= now) return undefined
  if (status === COMPLETED) return { status: 'completed' }
  const leaseExpiresAt = Number(item.leaseExpiresAt?.N ?? 0)
  if (status === IN_PROGRESS && leaseExpiresAt > now)
    return { status: 'in-progress', leaseExpiresAt }
  return undefined
}

function unmarshalled(values: Record<string, AttributeValue>): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(values)) {
    out[name] = value.N !== undefined ? Number(value.N) : (value.S ?? '')
  }
  return out
}
