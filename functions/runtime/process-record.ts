import { MetricUnit } from '@aws-lambda-powertools/metrics'
import type { SQSRecord } from 'aws-lambda'
import type {
  BatchScope,
  ConsumerRuntime,
  Handled,
  ReadRecord,
  RecordOutcome,
} from './consumer-runtime.ts'
import { EventInProgressError, InvalidRecordError } from './errors.ts'
import { failRecord } from './fail-record.ts'
import type { Acquisition } from './idempotency-store.ts'
import { parseRecord } from './parse-record.ts'
import { recordLogger } from './record-logger.ts'
import { runtimeMetrics } from './runtime-metrics.ts'

/** Parses and validates one record on its own; never throws. */
export function readRecord(runtime: ConsumerRuntime, record: SQSRecord): ReadRecord {
  const attempt = Number(record.attributes.ApproximateReceiveCount) || 1
  try {
    const { event } = parseRecord(record, runtime.definitions, runtime.config.maxBodyBytes)
    return {
      record,
      attempt,
      event,
      key: `${runtime.config.name}#${event.eventId}`,
      log: recordLogger(runtime.logger, {
        eventId: event.eventId,
        eventType: event.eventType,
        correlationId: event.correlationId,
        messageId: record.messageId,
      }),
    }
  } catch (error) {
    return {
      record,
      attempt,
      invalid: error,
      log: recordLogger(runtime.logger, { messageId: record.messageId }),
    }
  }
}

/** Settles a record that is not a valid event: ignored or failed (dead-lettered). */
export function rejectRecord(runtime: ConsumerRuntime, read: ReadRecord): Promise<RecordOutcome> {
  const error = read.invalid
  if (
    error instanceof InvalidRecordError &&
    error.reason === 'unknown-type' &&
    runtime.config.unknownEvents === 'ignore'
  ) {
    read.log.info('record ignored: not an event type this consumer handles', {
      reason: error.message,
    })
    runtime.metrics.addMetric(runtimeMetrics.ignored, MetricUnit.Count, 1)
    return Promise.resolve({ kind: 'ignored' })
  }
  return failRecord(runtime, read, error, undefined)
}

/**
 * Runs the handler for a valid record once its acquisition is known: a completed event is
 * a duplicate, one held elsewhere is retried after that lease, an acquired one is handled.
 * Transactional writes commit here with the record; otherwise completion is the caller's.
 */
export async function handleRecord(
  runtime: ConsumerRuntime,
  read: ReadRecord,
  acquisition: Acquisition,
  scope: BatchScope,
): Promise<RecordOutcome | Handled> {
  const event = read.event!
  if (acquisition.status === 'completed') {
    read.log.info('duplicate skipped: the event was already processed')
    runtime.metrics.addMetric(runtimeMetrics.duplicate, MetricUnit.Count, 1)
    return { kind: 'duplicate' }
  }
  if (acquisition.status === 'in-progress') {
    return failRecord(
      runtime,
      read,
      new EventInProgressError(read.key!, acquisition.leaseExpiresAt),
      undefined,
    )
  }
  const { lock } = acquisition
  const started = runtime.now()
  try {
    const writes = await runtime.handle(event, {
      record: read.record,
      attempt: read.attempt,
      logger: read.log,
      signal: scope.signal,
      lambdaContext: scope.lambdaContext,
    })
    if (Array.isArray(writes) && writes.length > 0) {
      await runtime.store.completeWith(lock, writes)
      return processed(runtime, read, runtime.now() - started)
    }
  } catch (error) {
    return failRecord(runtime, read, error, lock)
  }
  return { kind: 'handled', lock, durationMs: runtime.now() - started }
}

/** Counts and logs a record whose event is processed and recorded as completed. */
export function processed(
  runtime: ConsumerRuntime,
  read: ReadRecord,
  durationMs: number,
): RecordOutcome {
  const { metrics } = runtime
  metrics.addMetric(runtimeMetrics.processed, MetricUnit.Count, 1)
  metrics.addMetric(runtimeMetrics.processingLatency, MetricUnit.Milliseconds, durationMs)
  const age = runtime.now() - Date.parse(read.event!.timestamp)
  if (Number.isFinite(age))
    metrics.addMetric(runtimeMetrics.eventAge, MetricUnit.Milliseconds, Math.max(0, age))
  read.log.debug('processed', { durationMs })
  return { kind: 'processed' }
}
