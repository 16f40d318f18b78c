import { MetricUnit } from '@aws-lambda-powertools/metrics'
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs'
import type { SQSRecord } from 'aws-lambda'
import { backoffDelay } from './backoff-delay.ts'
import { classifyError } from './classify-error.ts'
import type { ConsumerRuntime, ReadRecord, RecordOutcome } from './consumer-runtime.ts'
import { deadLetter } from './dead-letter.ts'
import { EventInProgressError, LeaseLostError } from './errors.ts'
import type { FailureHistory, Lock } from './idempotency-store.ts'
import type { RecordLogger } from './record-logger.ts'
import { awsLimits } from './runtime-defaults.ts'
import { runtimeMetrics } from './runtime-metrics.ts'

/**
 * A failed record: releases its lease (counting the failure), then dead-letters it
 * (permanent, or its last receive), hides it for a backoff (transient), or leaves it to
 * its visibility timeout (unknown).
 */
export async function failRecord(
  runtime: ConsumerRuntime,
  read: ReadRecord,
  error: unknown,
  lock: Lock | undefined,
): Promise<RecordOutcome> {
  const { config, metrics } = runtime
  const { record, attempt, log } = read
  const nowSeconds = Math.floor(runtime.now() / 1000)
  const details = describeError(error)
  metrics.addMetric(runtimeMetrics.failed, MetricUnit.Count, 1)

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
    let sent: Awaited<ReturnType<typeof deadLetter>>
    try {
      sent = await deadLetter(runtime.sqs, config, record, {
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
    if (sent.deleteError !== undefined) {
      // Reported as done, Lambda deletes it; retrying would put a second copy in the DLQ.
      log.warn('dead-lettered, but deleting the source message failed; Lambda deletes it', {
        deleteError: describeError(sent.deleteError),
      })
    }
    metrics.addMetric(runtimeMetrics.deadLettered, MetricUnit.Count, 1)
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

  metrics.addMetric(runtimeMetrics.retried, MetricUnit.Count, 1)
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
        VisibilityTimeout: Math.min(delaySeconds, awsLimits.maxRetryDelaySeconds),
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
