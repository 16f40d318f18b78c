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
import type { EffectWrites, FailureHistory, IdempotencyStore, Lock } from './idempotency-store.ts'
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

export interface BatchScope {
  readonly lambdaContext: Context | undefined
  readonly signal: AbortSignal
  /** Lease for a record started now, whole seconds. */
  leaseSeconds(): number
}

/**
 * One record through parse → validate → idempotency → handle → complete, and on failure
 * release → dead-letter, backoff or plain retry.
 */
export async function processRecord(
  runtime: ConsumerRuntime,
  record: SQSRecord,
  scope: BatchScope,
): Promise<RecordOutcome> {
  const { config, store, metrics } = runtime
  const attempt = Number(record.attributes.ApproximateReceiveCount) || 1
  let event: EventEnvelope
  try {
    event = parseRecord(record, runtime.definitions, config.maxBodyBytes).event
  } catch (error) {
    const log = recordLogger(runtime.logger, { messageId: record.messageId })
    if (
      error instanceof InvalidRecordError &&
      error.reason === 'unknown-type' &&
      config.unknownEvents === 'ignore'
    ) {
      log.info('record ignored: not an event type this consumer handles', { reason: error.message })
      metrics.addMetric('ignored', MetricUnit.Count, 1)
      return { kind: 'ignored' }
    }
    return fail(runtime, record, attempt, error, undefined, log)
  }

  const log = recordLogger(runtime.logger, {
    eventId: event.eventId,
    eventType: event.eventType,
    correlationId: event.correlationId,
    messageId: record.messageId,
  })
  const key = `${config.name}#${event.eventId}`
  let lock: Lock
  try {
    const acquisition = await store.acquire(key, scope.leaseSeconds())
    if (acquisition.status === 'completed') {
      log.info('duplicate skipped: the event was already processed')
      metrics.addMetric('duplicate', MetricUnit.Count, 1)
      return { kind: 'duplicate' }
    }
    if (acquisition.status === 'in-progress') {
      return fail(
        runtime,
        record,
        attempt,
        new EventInProgressError(key, acquisition.leaseExpiresAt),
        undefined,
        log,
      )
    }
    lock = acquisition.lock
  } catch (error) {
    return fail(runtime, record, attempt, error, undefined, log)
  }

  const started = runtime.now()
  try {
    const writes = await runtime.handle(event, {
      record,
      attempt,
      logger: log,
      signal: scope.signal,
      lambdaContext: scope.lambdaContext,
    })
    if (Array.isArray(writes) && writes.length > 0) await store.completeWith(lock, writes)
    else await store.complete(lock)
  } catch (error) {
    return fail(runtime, record, attempt, error, lock, log)
  }
  const finished = runtime.now()
  metrics.addMetric('processed', MetricUnit.Count, 1)
  metrics.addMetric('processingLatency', MetricUnit.Milliseconds, finished - started)
  const age = finished - Date.parse(event.timestamp)
  if (Number.isFinite(age)) metrics.addMetric('eventAge', MetricUnit.Milliseconds, Math.max(0, age))
  log.debug('processed', { durationMs: finished - started })
  return { kind: 'processed' }
}

async function fail(
  runtime: ConsumerRuntime,
  record: SQSRecord,
  attempt: number,
  error: unknown,
  lock: Lock | undefined,
  log: RecordLogger,
): Promise<RecordOutcome> {
  const { config, metrics } = runtime
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
