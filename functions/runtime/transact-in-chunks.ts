import {
  type CancellationReason,
  type DynamoDBClient,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type Update,
} from '@aws-sdk/client-dynamodb'
import { AWS_LIMITS } from '../../contracts/aws-limits.ts'
import type { Lock } from './idempotency-record.ts'

/** One item's conditional write in one transaction, and what it means for the item. */
interface TransactedWrite<TItem, TResult> {
  readonly item: TItem
  readonly update: Update
  /** The item's result when the transaction commits. */
  readonly committed: TResult
  /** The lease the write takes if it lands; given back when the request fails unanswered. */
  readonly lease?: Lock
  /** The item's result when its own condition failed, or undefined to write it again. */
  refused(
    reason: CancellationReason,
    error: TransactionCanceledException,
  ): Promise<TResult | undefined>
}

/** How to write items of one kind: in a transaction, on their own, and what to give back. */
export interface ChunkedWrites<TItem, TResult> {
  readonly dynamodb: DynamoDBClient
  /** False: every item is written on its own. */
  readonly batch: boolean
  /** The key its result is mapped by. */
  keyOf(item: TItem): string
  /** The items' writes for one transaction (new owner tokens for acquisitions). */
  writes(items: readonly TItem[]): TransactedWrite<TItem, TResult>[]
  /** One item written on its own; a lease its write may have taken goes to `inDoubt` before it throws. */
  alone(item: TItem, inDoubt: Lock[]): Promise<TResult>
  /** The lease a result holds, if any. */
  leaseOf(result: TResult): Lock | undefined
  /** Gives leases back, best effort. */
  giveBack(locks: readonly Lock[]): Promise<void>
}

const rounds = 3

/**
 * Writes items in TransactWriteItems of up to 100 (one request for a chunk instead of one
 * an item). DynamoDB cancels a transaction as a whole when one condition fails; the
 * cancellation reasons say which item refused and why, and the others are written again,
 * up to three rounds. Items a transaction cannot settle (a conflicting transaction,
 * throttling, a chunk of one) are written on their own.
 *
 * All or nothing: when a request fails, the leases already taken (and those of the request
 * that failed, which may have landed) are given back before the error is thrown, so no
 * event stays held until its lease ends.
 */
export async function transactInChunks<TItem, TResult>(
  items: readonly TItem[],
  writer: ChunkedWrites<TItem, TResult>,
): Promise<Map<string, TResult>> {
  const results = new Map<string, TResult>()
  const inDoubt: Lock[] = []
  try {
    const alone: TItem[] = []
    for (let start = 0; start < items.length; start += AWS_LIMITS.dynamodb.maxTransactItems) {
      const chunk = items.slice(start, start + AWS_LIMITS.dynamodb.maxTransactItems)
      alone.push(...(await transactChunk(chunk, writer, results, inDoubt)))
    }
    await writeAlone(alone, writer, results, inDoubt)
  } catch (error) {
    const held = [...results.values()].flatMap((result) => writer.leaseOf(result) ?? [])
    if (held.length + inDoubt.length > 0) await writer.giveBack([...held, ...inDoubt])
    throw error
  }
  return results
}

/** One chunk in up to three transactions; returns the items left to write on their own. */
async function transactChunk<TItem, TResult>(
  chunk: readonly TItem[],
  writer: ChunkedWrites<TItem, TResult>,
  results: Map<string, TResult>,
  inDoubt: Lock[],
): Promise<TItem[]> {
  const alone: TItem[] = []
  let pending = chunk
  for (let round = 0; pending.length > 1 && writer.batch && round < rounds; round++) {
    const writes = writer.writes(pending)
    try {
      await writer.dynamodb.send(
        new TransactWriteItemsCommand({
          TransactItems: writes.map(({ update }) => ({ Update: update })),
        }),
      )
      for (const write of writes) results.set(writer.keyOf(write.item), write.committed)
      pending = []
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) {
        inDoubt.push(...writes.flatMap((write) => write.lease ?? []))
        throw error
      }
      const again: TItem[] = []
      for (const [index, write] of writes.entries()) {
        const reason = error.CancellationReasons?.[index]
        if (reason?.Code === 'None') again.push(write.item)
        else if (reason?.Code === 'ConditionalCheckFailed') {
          const result = await write.refused(reason, error)
          if (result === undefined) again.push(write.item)
          else results.set(writer.keyOf(write.item), result)
        } else alone.push(write.item)
      }
      pending = again
    }
  }
  return [...alone, ...pending]
}

/** Every write settles before a failure is thrown, so no lease it took is left untracked. */
async function writeAlone<TItem, TResult>(
  items: readonly TItem[],
  writer: ChunkedWrites<TItem, TResult>,
  results: Map<string, TResult>,
  inDoubt: Lock[],
): Promise<void> {
  const settled = await Promise.allSettled(items.map((item) => writer.alone(item, inDoubt)))
  let failure: PromiseRejectedResult | undefined
  for (const [index, item] of items.entries()) {
    const outcome = settled[index]
    if (outcome?.status === 'fulfilled') results.set(writer.keyOf(item), outcome.value)
    else failure ??= outcome
  }
  if (failure) throw failure.reason
}
