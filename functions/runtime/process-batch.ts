import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda'
import { BatchFailedError } from './errors.ts'
import { type ConsumerRuntime, processRecord, type RecordOutcome } from './process-record.ts'
import { runtimeDefaults } from './runtime-defaults.ts'

/**
 * A batch, record by record, as a partial batch response (ReportBatchItemFailures).
 *
 * Standard queues: records run concurrently, at most `concurrency` at once. FIFO queues:
 * each message group runs in order, groups concurrently; a group stops at its first
 * failure and reports the rest of it as failures so order is kept. Records not started
 * when the invocation is about to time out are reported as failures. When every record
 * failed, throws `BatchFailedError` so Lambda's Errors metric counts the invocation.
 */
export async function processBatch(
  runtime: ConsumerRuntime,
  event: SQSEvent,
  lambdaContext: Context | undefined,
): Promise<SQSBatchResponse> {
  const records = event.Records ?? []
  if (records.length === 0) return { batchItemFailures: [] }
  const { config, now } = runtime
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
  const scope = {
    lambdaContext,
    signal: timeout.signal,
    leaseSeconds: () =>
      config.leaseSeconds ??
      (lambdaContext?.getRemainingTimeInMillis
        ? Math.max(1, Math.ceil(lambdaContext.getRemainingTimeInMillis() / 1000))
        : runtimeDefaults.leaseSeconds),
  }

  const fifo = records.some((record) => record.attributes.MessageGroupId !== undefined)
  const lanes = fifo ? groupsInOrder(records) : records.map((record) => [record])
  const outcomes = new Map<SQSRecord, RecordOutcome | 'not-started'>()
  let next = 0
  const worker = async () => {
    while (next < lanes.length) {
      const lane = lanes[next++]!
      for (let i = 0; i < lane.length; i++) {
        const record = lane[i]!
        if (now() >= deadline) {
          for (const rest of lane.slice(i)) outcomes.set(rest, 'not-started')
          break
        }
        const outcome = await processRecord(runtime, record, scope)
        outcomes.set(record, outcome)
        if (fifo && outcome.kind === 'retry') {
          for (const rest of lane.slice(i + 1)) outcomes.set(rest, 'not-started')
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

  const failed = records.filter((record) => {
    const outcome = outcomes.get(record)
    return outcome === undefined || outcome === 'not-started' || outcome.kind === 'retry'
  })
  const notStarted = failed.filter((record) => outcomes.get(record) === 'not-started').length
  if (notStarted > 0) {
    runtime.logger.warn('records not started, reported as failures', {
      notStarted,
      reason: fifo
        ? 'an earlier record of their message group failed, or time ran short'
        : 'time ran short',
    })
  }
  if (failed.length === records.length) {
    const first = outcomes.get(failed[0]!)
    throw new BatchFailedError(
      config.name,
      failed.map((record) => record.messageId),
      typeof first === 'object' && first.kind === 'retry' ? { cause: first.error } : undefined,
    )
  }
  return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) }
}

/** FIFO records grouped by MessageGroupId, each group in delivery order. */
function groupsInOrder(records: readonly SQSRecord[]): SQSRecord[][] {
  const groups = new Map<string, SQSRecord[]>()
  for (const record of records) {
    const id = record.attributes.MessageGroupId ?? ''
    const group = groups.get(id)
    if (group) group.push(record)
    else groups.set(id, [record])
  }
  return [...groups.values()]
}
