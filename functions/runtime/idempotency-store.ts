import {
  type AttributeValue,
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  type Update,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  type UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb'
import {
  DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb'
import { AWS_LIMITS } from '../../contracts/aws-limits.ts'
import { IDEMPOTENCY_TABLE_SCHEMA } from '../../contracts/idempotency-table.ts'
import { EffectsRejectedError, LeaseLostError, RecordRaceError, TransientError } from './errors.ts'
import {
  type Acquisition,
  abandonmentUpdate,
  acquisitionUpdate,
  completionUpdate,
  type FailureHistory,
  failureHistoryOf,
  type Lock,
  newLock,
  ownOutcome,
  recordKey,
  refusalOf,
  releaseUpdate,
} from './idempotency-record.ts'
import { retryTransient } from './retry-transient.ts'
import { runtimeDefaults } from './runtime-defaults.ts'
import { type ChunkedWrites, transactInChunks } from './transact-in-chunks.ts'

export type { Acquisition, FailureHistory, Lock } from './idempotency-record.ts'

/** DynamoDB writes a handler returns to commit with its idempotency record, all or nothing. */
export type EffectWrites = NonNullable<TransactWriteCommandInput['TransactItems']>

export interface IdempotencyStoreOptions {
  readonly dynamodb: DynamoDBClient
  /** Partition key `id` (S); TTL attribute `expiresAt` (epoch seconds). */
  readonly tableName: string
  readonly dedupeWindowSeconds: number
  /** Epoch milliseconds. */
  readonly now: () => number
  readonly newOwner: () => string
  /** One TransactWriteItems for many records. @default true */
  readonly batchWrites?: boolean
}

/**
 * The commands on idempotency records (see idempotency-record.ts for their rules): a
 * fenced lock per event (owner token + lease), then a completed record kept for the
 * dedupe window. Each command is a DynamoDB conditional write; a refused condition on a
 * lock this invocation held is a `LeaseLostError`.
 */
export class IdempotencyStore {
  readonly #options: IdempotencyStoreOptions
  readonly #batchWrites: boolean
  #documents: DynamoDBDocumentClient | undefined

  constructor(options: IdempotencyStoreOptions) {
    this.#options = options
    this.#batchWrites = options.batchWrites ?? runtimeDefaults.batchIdempotencyWrites
  }

  /**
   * Takes the event's lease when nobody holds it (see `acquisitionUpdate`). One
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
      const lock = newLock(key, this.#options.newOwner(), now, leaseSeconds)
      try {
        await this.#options.dynamodb.send(
          new UpdateItemCommand(acquisitionUpdate(this.#options, lock, now)),
        )
        return { status: 'acquired', lock }
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) {
          inDoubt.push(lock)
          throw error
        }
        const holder = error.Item ?? (await this.#read(key))
        const refusal = refusalOf(holder, lock, this.#nowSeconds())
        if (refusal) return refusal
        // The holder changed between our write and our read: try again.
      }
    }
    throw new TransientError(`could not acquire ${key}: its record kept changing`)
  }

  /**
   * `acquire` for many events in TransactWriteItems of up to 100 (see `transactInChunks`):
   * all or nothing, so when a request fails no lease taken stays held.
   */
  acquireMany(keys: readonly string[], leaseSeconds: number): Promise<Map<string, Acquisition>> {
    return transactInChunks([...new Set(keys)], this.#acquisitions(leaseSeconds))
  }

  /**
   * What `acquire` would answer for many events, without writing (leases off): one
   * eventually consistent BatchGetItem a hundred keys. A completed event, or one another
   * invocation's lease holds, is refused; any other is given an unheld lock, which its
   * completion's condition fences instead of a lease. A record the read misses (written just
   * now, or a key left unprocessed) is caught by that condition.
   */
  async lookMany(keys: readonly string[], leaseSeconds: number): Promise<Map<string, Acquisition>> {
    const unique = [...new Set(keys)]
    const found = new Map<string, Record<string, AttributeValue>>()
    for (let start = 0; start < unique.length; start += AWS_LIMITS.dynamodb.maxBatchGetKeys) {
      let pending = unique
        .slice(start, start + AWS_LIMITS.dynamodb.maxBatchGetKeys)
        .map((key) => recordKey(key))
      for (let round = 0; pending.length > 0 && round < 3; round++) {
        const { Responses, UnprocessedKeys } = await this.#options.dynamodb.send(
          new BatchGetItemCommand({
            RequestItems: { [this.#options.tableName]: { Keys: pending } },
          }),
        )
        for (const item of Responses?.[this.#options.tableName] ?? []) {
          const key = item[IDEMPOTENCY_TABLE_SCHEMA.partitionKey]?.S
          if (key !== undefined) found.set(key, item)
        }
        pending = UnprocessedKeys?.[this.#options.tableName]?.Keys ?? []
      }
    }
    const now = this.#nowSeconds()
    return new Map(
      unique.map((key) => {
        const lock = newLock(key, this.#options.newOwner(), now, leaseSeconds, 'unheld')
        return [key, refusalOf(found.get(key), lock, now) ?? { status: 'acquired', lock }]
      }),
    )
  }

  #acquisitions(leaseSeconds: number): ChunkedWrites<string, Acquisition> {
    return {
      ...this.#chunked(),
      keyOf: (key) => key,
      writes: (keys) => {
        const now = this.#nowSeconds()
        return keys.map((key) => {
          const lock = newLock(key, this.#options.newOwner(), now, leaseSeconds)
          return {
            item: key,
            update: acquisitionUpdate(this.#options, lock, now),
            committed: { status: 'acquired', lock },
            lease: lock,
            refused: async (reason) =>
              refusalOf(reason.Item ?? (await this.#read(key)), lock, this.#nowSeconds()),
          }
        })
      },
      alone: (key, inDoubt) => this.#acquire(key, leaseSeconds, inDoubt),
      leaseOf: (acquisition) => (acquisition.status === 'acquired' ? acquisition.lock : undefined),
    }
  }

  /** Marks the event completed for the dedupe window, if this lock still owns it. */
  async complete(lock: Lock): Promise<void> {
    await this.#ownedUpdate(
      lock,
      'complete',
      completionUpdate(this.#options, lock, this.#nowSeconds()),
    )
  }

  /**
   * `complete` for many locks in TransactWriteItems of up to 100. Each lock maps to
   * `completed` or the `LeaseLostError` of a lock another owner took over.
   */
  completeMany(locks: readonly Lock[]): Promise<Map<string, 'completed' | Error>> {
    return transactInChunks(locks, {
      ...this.#chunked(),
      keyOf: (lock) => lock.key,
      writes: (pending) => {
        const now = this.#nowSeconds()
        return pending.map((lock) => ({
          item: lock,
          update: completionUpdate(this.#options, lock, now),
          committed: 'completed' as const,
          refused: async (_, error) => refusedWrite(lock, 'complete', error),
        }))
      },
      alone: (lock) =>
        this.complete(lock).then(
          () => 'completed' as const,
          (error: Error) => error,
        ),
      leaseOf: () => undefined,
    })
  }

  #chunked() {
    return {
      dynamodb: this.#options.dynamodb,
      batch: this.#batchWrites,
      giveBack: (locks: readonly Lock[]) => this.abandon(locks),
    }
  }

  /**
   * Commits the handler's writes and the completion of the record in one
   * TransactWriteItems: all or nothing, and nothing when the lease was lost.
   */
  async completeWith(lock: Lock, writes: EffectWrites): Promise<void> {
    if (writes.length > AWS_LIMITS.dynamodb.maxTransactItems - 1) {
      throw new EffectsRejectedError(
        `${lock.key}: the handler returned ${writes.length} writes; one transaction takes at most ${AWS_LIMITS.dynamodb.maxTransactItems - 1} besides the idempotency record`,
      )
    }
    const completion = completionUpdate(this.#options, lock, this.#nowSeconds())
    this.#documents ??= DynamoDBDocumentClient.from(this.#options.dynamodb)
    try {
      await this.#documents.send(
        new TransactWriteCommand({
          TransactItems: [...writes, { Update: documentUpdate(completion) }],
        }),
      )
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error
      const reasons = error.CancellationReasons ?? []
      if (reasons[writes.length]?.Code === 'ConditionalCheckFailed') {
        throw refusedWrite(lock, 'commit the effects of', error)
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
   * failure; returns the failure history for dead-letter metadata. A release that landed
   * although its reply was lost is recognised when tried again (its own token on a
   * released record), so the failure is counted once. `completed` when this lock's
   * completion had landed although the caller saw it fail (its reply lost, then a retry
   * throttled): the event is processed, nothing to release.
   */
  async release(lock: Lock): Promise<FailureHistory | 'completed'> {
    const now = this.#nowSeconds()
    try {
      const result = await retryTransient(() =>
        this.#options.dynamodb.send(
          new UpdateItemCommand({
            ...releaseUpdate(this.#options, lock, now),
            ReturnValues: 'ALL_NEW',
          }),
        ),
      )
      return failureHistoryOf(result.Attributes, now)
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error
      const own = ownOutcome(error.Item, lock)
      if (own === 'released') return failureHistoryOf(error.Item, now)
      if (own === 'completed') return 'completed'
      throw refusedWrite(lock, 'release', error)
    }
  }

  /**
   * Gives back leases of events this invocation took but never started (time ran short,
   * or their FIFO group stopped), without counting a failure. Best effort: a lease left
   * behind only ends at its expiry.
   */
  async abandon(locks: readonly Lock[]): Promise<void> {
    const now = this.#nowSeconds()
    await Promise.allSettled(
      // An unheld lock wrote nothing: nothing to give back.
      locks
        .filter((lock) => lock.fence !== 'unheld')
        .map((lock) =>
          retryTransient(() =>
            this.#options.dynamodb.send(
              new UpdateItemCommand(abandonmentUpdate(this.#options, lock, now)),
            ),
          ),
        ),
    )
  }

  /** An UpdateItem conditional on the lock's owner: refused means another owner took over. */
  async #ownedUpdate(
    lock: Lock,
    action: string,
    update: UpdateItemCommandInput,
  ): Promise<UpdateItemCommandOutput> {
    try {
      return await retryTransient(() => this.#options.dynamodb.send(new UpdateItemCommand(update)))
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw refusedWrite(lock, action, error)
      throw error
    }
  }

  /**
   * Whether the lock's event is completed now, read consistently: by this lock's own
   * completion (landed though its reply was lost), by `another` invocation, or not.
   */
  async completionOf(lock: Lock): Promise<'own' | 'another' | undefined> {
    const holder = await retryTransient(() => this.#read(lock.key))
    if (ownOutcome(holder, lock) === 'completed') return 'own'
    return refusalOf(holder, lock, this.#nowSeconds())?.status === 'completed'
      ? 'another'
      : undefined
  }

  async #read(key: string): Promise<Record<string, AttributeValue> | undefined> {
    const result = await this.#options.dynamodb.send(
      new GetItemCommand({
        TableName: this.#options.tableName,
        Key: recordKey(key),
        ConsistentRead: true,
      }),
    )
    return result.Item
  }

  #nowSeconds(): number {
    return Math.floor(this.#options.now() / 1000)
  }
}

/**
 * The error of a write its fence refused: the lease was taken over (a held lock), or the
 * event was completed or taken by another invocation meanwhile (an unheld lock), which a
 * retry finds and skips as a duplicate.
 */
function refusedWrite(lock: Lock, action: string, cause: unknown): Error {
  return lock.fence === 'unheld'
    ? new RecordRaceError(lock.key, action, { cause })
    : new LeaseLostError(lock.key, action, { cause })
}

/** A low-level Update as the document client takes it (its values plain, not AttributeValues). */
function documentUpdate(update: Update) {
  return {
    TableName: update.TableName,
    Key: plain(update.Key ?? {}),
    UpdateExpression: update.UpdateExpression,
    ConditionExpression: update.ConditionExpression,
    ExpressionAttributeNames: update.ExpressionAttributeNames,
    ExpressionAttributeValues: plain(update.ExpressionAttributeValues ?? {}),
  }
}

function plain(values: Record<string, AttributeValue>): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(values)) {
    out[name] = value.N !== undefined ? Number(value.N) : (value.S ?? '')
  }
  return out
}
