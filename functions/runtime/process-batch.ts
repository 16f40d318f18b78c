import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda'
import type {
  BatchScope,
  ConsumerRuntime,
  Handled,
  ReadRecord,
  RecordOutcome,
} from './consumer-runtime.ts'
import { BatchFailedError } from './errors.ts'
import { failRecord } from './fail-record.ts'
import type { Acquisition, Lock } from './idempotency-store.ts'
import { handleRecord, processed, readRecord, rejectRecord } from './process-record.ts'
import { runtimeDefaults } from './runtime-defaults.ts'

type Settled = RecordOutcome | Handled | 'not-started'

/**
 * A batch as a partial batch response (ReportBatchItemFailures).
 *
 * Every record is read and validated on its own; the valid ones' leases are taken together
 * (one TransactWriteItems for the batch) and completed together after their handlers ran,
 * so the idempotency cost is two requests per batch, not two per record.
 *
 * Standard queues: records run concurrently, at most `concurrency` at once; copies of one
 * event in a batch run one after the other, so the later ones are duplicates. FIFO queues:
 * each message group in order, groups concurrently; a group stops at its first failure and
 * the rest of it is reported failed, so order is kept. Records not started when the
 * invocation is about to time out are reported as failures. When every record failed,
 * throws `BatchFailedError` so Lambda's Errors metric counts the invocation.
 */
export async function processBatch(
  runtime: ConsumerRuntime,
  event: SQSEvent,
  lambdaContext: Context | undefined,
): Promise<SQSBatchResponse> {
  const records = event.Records ?? []
  if (records.length === 0) return { batchItemFailures: [] }
  const { config, now, store } = runtime
  const remaining = lambdaContext?.getRemainingTimeInMillis?.()
  const deadline =
    remaining === undefined ? Number.POSITIVE_INFINITY : now() + remaining - config.deadlineMarginMs
  const timeout = new AbortController()
  const timer = Number.isFinite(deadline)
    ? setTimeout(
        () => timeout.abort(new Error('the invocation is about to time out')),
        Math.max(0, deadline - now()),
      )
    : undefined
  timer?.unref()
  const scope: BatchScope = {
    lambdaContext,
    signal: timeout.signal,
    leaseSeconds: () =>
      config.leaseSeconds ??
      (lambdaContext?.getRemainingTimeInMillis
        ? Math.max(1, Math.ceil(lambdaContext.getRemainingTimeInMillis() / 1000))
        : runtimeDefaults.leaseSeconds),
  }

  const reads = records.map((record) => readRecord(runtime, record))
  const keys = reads.flatMap((read) => (read.key ? [read.key] : []))
  let acquisitions: Map<string, Acquisition> | undefined
  let acquisitionError: unknown
  if (keys.length > 0 && now() < deadline) {
    try {
      acquisitions = await store.acquireMany(keys, scope.leaseSeconds())
    } catch (error) {
      acquisitionError = error
    }
  }

  // A FIFO queue's records keep their group's order. Standard (fair) queues may carry a
  // MessageGroupId too, but promise no order, so their records run in parallel.
  const fifo = records[0]?.eventSourceARN.endsWith('.fifo') ?? false
  const lanes = [
    ...groupBy(reads, (read, i) =>
      fifo ? (read.record.attributes.MessageGroupId ?? '') : (read.key ?? `#${i}`),
    ).values(),
  ]
  const settled = new Map<ReadRecord, Settled>()
  // The first copy of each event in the batch; later copies, in any lane, follow its outcome.
  const firstCopies = new Map<string, Promise<Settled>>()
  const settle = (read: ReadRecord): Promise<Settled> => {
    if (read.invalid !== undefined) return rejectRecord(runtime, read)
    const key = read.key!
    const first = firstCopies.get(key)
    if (first)
      return first.then((outcome) =>
        succeeded(outcome)
          ? { kind: 'duplicate' }
          : {
              kind: 'retry',
              error: new Error(`an earlier copy of ${key} in this batch did not succeed`),
            },
      )
    const acquisition = acquisitions?.get(key)
    const outcome = acquisition
      ? handleRecord(runtime, read, acquisition, scope)
      : failRecord(runtime, read, acquisitionError, undefined)
    firstCopies.set(key, outcome)
    return outcome
  }
  let next = 0
  const worker = async () => {
    while (next < lanes.length) {
      const lane = lanes[next++]!
      for (let i = 0; i < lane.length; i++) {
        const read = lane[i]!
        if (now() >= deadline) {
          for (const rest of lane.slice(i)) settled.set(rest, 'not-started')
          break
        }
        const outcome = await settle(read)
        settled.set(read, outcome)
        if (fifo && !succeeded(outcome)) {
          for (const rest of lane.slice(i + 1)) settled.set(rest, 'not-started')
          break
        }
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(config.concurrency, lanes.length) }, worker))
  } finally {
    if (timer) clearTimeout(timer)
  }

  // Complete every handled record in one request, and give back leases never used.
  const handled = reads.filter((read) => {
    const outcome = settled.get(read)
    return typeof outcome === 'object' && outcome.kind === 'handled'
  })
  if (handled.length > 0) {
    let completions: Map<string, 'completed' | Error>
    try {
      completions = await store.completeMany(
        handled.map((read) => (settled.get(read) as Handled).lock),
      )
    } catch (error) {
      completions = new Map(handled.map((read) => [read.key!, error as Error]))
    }
    await Promise.all(
      handled.map(async (read) => {
        const { lock, durationMs } = settled.get(read) as Handled
        const completion = completions.get(read.key!)
        settled.set(
          read,
          completion === 'completed'
            ? processed(runtime, read, durationMs)
            : await failRecord(runtime, read, completion, lock),
        )
      }),
    )
  }
  // A lease is unused when no copy of its event started (another copy may have used it).
  const started = new Set(
    reads.filter((read) => settled.get(read) !== 'not-started').map((read) => read.key),
  )
  const unused: Lock[] = []
  for (const read of reads) {
    const acquisition = read.key ? acquisitions?.get(read.key) : undefined
    if (acquisition?.status === 'acquired' && !started.has(read.key)) {
      unused.push(acquisition.lock)
      started.add(read.key) // one abandon per event, however many copies
    }
  }
  if (unused.length > 0) await store.abandon(unused)

  const failed = records.filter((_, i) => {
    const outcome = settled.get(reads[i]!)
    return outcome === undefined || outcome === 'not-started' || outcome.kind === 'retry'
  })
  const notStarted = reads.filter((read) => settled.get(read) === 'not-started').length
  if (notStarted > 0) {
    runtime.logger.warn('records not started, reported as failures', {
      notStarted,
      reason: fifo
        ? 'an earlier record of their message group failed, or time ran short'
        : 'time ran short',
    })
  }
  if (failed.length === records.length) {
    const first = settled.get(reads[records.indexOf(failed[0]!)]!)
    throw new BatchFailedError(
      config.name,
      failed.map((record) => record.messageId),
      typeof first === 'object' && first.kind === 'retry' ? { cause: first.error } : undefined,
    )
  }
  return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) }
}

/** True for the outcomes that let a record be deleted (a handled one completes later). */
function succeeded(outcome: Settled): boolean {
  return outcome !== 'not-started' && outcome.kind !== 'retry'
}

/** Items grouped by a key, groups in first-seen order, items in order within a group. */
function groupBy<T>(
  items: readonly T[],
  keyOf: (item: T, index: number) => string,
): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  items.forEach((item, index) => {
    const key = keyOf(item, index)
    const group = groups.get(key)
    if (group) group.push(item)
    else groups.set(key, [item])
  })
  return groups
}
