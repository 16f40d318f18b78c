import type { Logger } from '@aws-lambda-powertools/logger'
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics'
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs'
import type { Context, SQSRecord } from 'aws-lambda'
import type { EventDefinition } from '../catalogue/define-event.ts'
import type { EventEnvelope } from '../catalogue/envelope.ts'
import { backoffDelay } from './backoff-delay.ts'
import { classifyError } from './classify-error.ts'
import { deadLetter } from './dead-letter.ts'
import { EventInProgressError, InvalidRecordError, LeaseLostError } from './errors.ts'
import type {
  Acquisition,
  EffectWrites,
  FailureHistory,
  IdempotencyStore,
  Lock,
} from './idempotency-store.ts'
import { parseRecord } from './parse-record.ts'
import { type RecordLogger, recordLogger } from './record-logger.ts'
import type { RuntimeConfig } from './resolve-config.ts'
import { awsLimits } from './runtime-defaults.ts'

/** What a handler gets besides its event. */
export interface HandlerContext {
  readonly record: SQSRecord
  /** This receive of the message: 1 on the first (ApproximateReceiveCount). */
  readonly attempt: number
  /** Logs with this record's eventId, correlationId and messageId. */
  readonly logger: RecordLogger
  /** Aborted when the invocation is about to run out of time. */
  readonly signal: AbortSignal
  readonly lambdaContext: Context | undefined
}

/**
 * A handler: returns nothing, or DynamoDB writes that the runtime commits with the
 * idempotency record in one transaction (exactly-once effects).
 */
export type EventHandler<TEvent> = (
  event: TEvent,
  context: HandlerContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: an async handler that returns nothing is Promise<void>
) => Promise<EffectWrites | undefined | void>

/** Everything one consumer needs to process records, built once per process. */
export interface ConsumerRuntime {
  readonly config: RuntimeConfig
  readonly definitions: ReadonlyMap<string, EventDefinition>
  readonly handle: EventHandler<EventEnvelope>
  readonly store: IdempotencyStore
  readonly sqs: SQSClient
  readonly logger: Logger
  readonly metrics: Metrics
  /** Epoch milliseconds. */
  readonly now: () => number
  readonly random: () => number
}

/** What became of a record. Only `retry` is reported to Lambda as a batch item failure. */
export type RecordOutcome =
  | { readonly kind: 'processed' | 'duplicate' | 'ignored' | 'dead-lettered' }
  | { readonly kind: 'retry'; readonly error: unknown; readonly delaySeconds?: number }

/** A handler succeeded; its idempotency record is completed with the batch's others. */
export interface Handled {
  readonly kind: 'handled'
  readonly lock: Lock
  readonly durationMs: number
}

export interface BatchScope {
  readonly lambdaContext: Context | undefined
  readonly signal: AbortSignal
  /** Lease for a record started now, whole seconds. */
  leaseSeconds(): number
}

/** A record as read: its event and idempotency key, or why it is not a valid event. */
export interface ReadRecord {
  readonly record: SQSRecord
  /** This receive of the message: 1 on the first. */
  readonly attempt: number
  readonly log: RecordLogger
  readonly event?: EventEnvelope
  readonly key?: string
  readonly invalid?: unknown
}

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
    runtime.metrics.addMetric('ignored', MetricUnit.Count, 1)
    return Promise.resolve({ kind: 'ignored' })
  }
  return fail(runtime, read, error, undefined)
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
    runtime.metrics.addMetric('duplicate', MetricUnit.Count, 1)
    return { kind: 'duplicate' }
  }
  if (acquisition.status === 'in-progress') {
    return fail(
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
    return fail(runtime, read, error, lock)
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
  metrics.addMetric('processed', MetricUnit.Count, 1)
  metrics.addMetric('processingLatency', MetricUnit.Milliseconds, durationMs)
  const age = runtime.now() - Date.parse(read.event!.timestamp)
  if (Number.isFinite(age)) metrics.addMetric('eventAge', MetricUnit.Milliseconds, Math.max(0, age))
  read.log.debug('processed', { durationMs })
  return { kind: 'processed' }
}

/**
 * A failed record: releases its lease (counting the failure), then dead-letters it
 * (permanent, or its last receive), hides it for a backoff (transient), or leaves it to
 * its visibility timeout (unknown).
 */
export async function fail(
  runtime: ConsumerRuntime,
  read: ReadRecord,
  error: unknown,
  lock: Lock | undefined,
): Promise<RecordOutcome> {
  const { config, metrics } = runtime
  const { record, attempt, log } = read
  const nowSeconds = Math.floor(runtime.now() / 1000)
  const details = describeError(error)
  metrics.addMetric('failed', MetricUnit.Count, 1)

  // Another owner holds the event: never dead-letter or delay what it is processing.
  if (error instanceof LeaseLostError) {
    log.warn('lease lost; the new owner processes the event', details)
    return { kind: 'retry', error }
  }
  if (error instanceof EventInProgressError) {
    const delaySeconds = Math.min(
      Math.max(1, error.leaseExpiresAt - nowSeconds),
      config.backoffCapSeconds,
    )
    log.info('duplicate in progress elsewhere; retried after its lease', { delaySeconds })
    await retryAfter(runtime, record, delaySeconds, log)
    return { kind: 'retry', error, delaySeconds }
  }

  let history: FailureHistory = { firstFailureAt: nowSeconds, failures: 1 }
  if (lock) {
    try {
      history = await runtime.store.release(lock)
    } catch (releaseError) {
      if (releaseError instanceof LeaseLostError) {
        log.warn(
          'failed after the lease was taken over; the new owner processes the event',
          details,
        )
        return { kind: 'retry', error }
      }
      log.error('could not release the idempotency record', describeError(releaseError))
    }
  }

  const failureClass = classifyError(error)
  const lastReceive = attempt >= config.maxReceiveCount
  if (failureClass === 'permanent' || lastReceive) {
    try {
      await deadLetter(runtime.sqs, config, record, {
        errorName: details.errorName,
        errorMessage: details.errorMessage,
        consumer: config.name,
        attempts: attempt,
        firstFailureAt: history.firstFailureAt,
        lastFailureAt: nowSeconds,
      })
    } catch (dlqError) {
      // Not deleted: the queue's redrive policy still moves it to the DLQ eventually.
      log.error('could not dead-letter the record; left for redrive', {
        ...details,
        deadLetterError: describeError(dlqError),
      })
      return { kind: 'retry', error }
    }
    metrics.addMetric('deadLettered', MetricUnit.Count, 1)
    log.error(
      lastReceive && failureClass !== 'permanent'
        ? 'dead-lettered on its last receive'
        : 'dead-lettered',
      {
        ...details,
        attempt,
        failureClass,
      },
    )
    return { kind: 'dead-lettered' }
  }

  metrics.addMetric('retried', MetricUnit.Count, 1)
  if (failureClass === 'transient') {
    const delaySeconds = backoffDelay(
      attempt,
      { baseSeconds: config.backoffBaseSeconds, capSeconds: config.backoffCapSeconds },
      runtime.random,
    )
    log.warn('transient failure; retried after a backoff', { ...details, attempt, delaySeconds })
    await retryAfter(runtime, record, delaySeconds, log)
    return { kind: 'retry', error, delaySeconds }
  }
  log.warn('failed; retried when its visibility timeout ends', { ...details, attempt })
  return { kind: 'retry', error }
}

/** Hides the message for `delaySeconds` from now; a failure only means the default timeout applies. */
async function retryAfter(
  runtime: ConsumerRuntime,
  record: SQSRecord,
  delaySeconds: number,
  log: RecordLogger,
): Promise<void> {
  try {
    await runtime.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: runtime.config.queueUrl,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.min(delaySeconds, awsLimits.maxVisibilitySeconds),
      }),
    )
  } catch (error) {
    log.warn('could not change the visibility timeout', describeError(error))
  }
}

function describeError(error: unknown): { errorName: string; errorMessage: string } {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message }
  return { errorName: 'NonError', errorMessage: String(error) }
}
