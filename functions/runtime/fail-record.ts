import { MetricUnit } from '@aws-lambda-powertools/metrics'
import { RUNTIME_METRICS } from '../../contracts/runtime-metrics.ts'
import { backoffDelay } from './backoff-delay.ts'
import { classifyError, type FailureClass } from './classify-error.ts'
import type { ConsumerRuntime } from './consumer-runtime.ts'
import { deadLetter } from './dead-letter.ts'
import { EventInProgressError, LeaseLostError, RecordRaceError, TransientError } from './errors.ts'
import type { FailureHistory } from './idempotency-record.ts'
import {
  type Failed,
  type Handled,
  type Held,
  type NotStarted,
  type Refused,
  type Settled,
  settled,
} from './record-state.ts'
import { retryTransient } from './retry-transient.ts'
import { awsLimits } from './runtime-defaults.ts'
import { sqsModule } from './sqs-module.ts'

/** Fail: settles a failed record (see `failRecord`); passes every other state through. */
export function settle(
  runtime: ConsumerRuntime,
  state: Handled | Settled | Failed,
): Promise<Handled | Settled>
export function settle(
  runtime: ConsumerRuntime,
  state: Settled | Failed | NotStarted,
): Promise<Settled | NotStarted>
export async function settle(
  runtime: ConsumerRuntime,
  state: Handled | Settled | Failed | NotStarted,
): Promise<Handled | Settled | NotStarted> {
  return state.state === 'failed' ? failRecord(runtime, state) : state
}

/**
 * A failed record: releases its lease (counting the failure), then dead-letters it
 * (permanent, or its last receive), hides it for a backoff (transient), or leaves it to
 * its visibility timeout (unknown). The only place a failure becomes an outcome.
 */
async function failRecord(runtime: ConsumerRuntime, state: Failed): Promise<Settled> {
  const { error, log } = state
  const nowSeconds = Math.floor(runtime.now() / 1000)
  // Without leases, the event was completed meanwhile: by another invocation (its copy and
  // ours ran at once; our effects were cancelled with our transaction), a duplicate; or by
  // this one's own completion, which landed though its reply was lost.
  if (error instanceof RecordRaceError && state.lock) {
    const completion = await runtime.store.completionOf(state.lock).catch(() => undefined)
    if (completion === 'own') {
      log.info('completed after all: the completion landed though its reply was lost')
      runtime.metrics.addMetric(RUNTIME_METRICS.processed, MetricUnit.Count, 1)
      return settled(state, { kind: 'processed' })
    }
    if (completion === 'another') {
      log.info('duplicate skipped: another invocation completed the event meanwhile')
      runtime.metrics.addMetric(RUNTIME_METRICS.duplicate, MetricUnit.Count, 1)
      return settled(state, { kind: 'duplicate' })
    }
    // Not completed (another invocation's lease holds it, or the read failed): come back
    // after a backoff and look again, rather than after the visibility timeout.
    runtime.metrics.addMetric(RUNTIME_METRICS.retried, MetricUnit.Count, 1)
    const delaySeconds = backoffDelay(
      state.attempt,
      {
        baseSeconds: runtime.config.backoffBaseSeconds,
        capSeconds: runtime.config.backoffCapSeconds,
      },
      runtime.random,
    )
    log.warn('the record changed hands meanwhile; retried after a backoff', {
      ...describeError(error),
      delaySeconds,
    })
    await retryAfter(runtime, state, delaySeconds)
    return settled(state, { kind: 'retry', error, delaySeconds })
  }
  runtime.metrics.addMetric(RUNTIME_METRICS.failed, MetricUnit.Count, 1)

  // Another owner holds the event: never dead-letter or delay what it is processing.
  if (error instanceof LeaseLostError) {
    log.warn('lease lost; the new owner processes the event', describeError(error))
    return settled(state, { kind: 'retry', error })
  }
  if (error instanceof EventInProgressError) {
    const delaySeconds = Math.min(
      Math.max(1, error.leaseExpiresAt - nowSeconds),
      runtime.config.backoffCapSeconds,
    )
    log.info('duplicate in progress elsewhere; retried after its lease', { delaySeconds })
    await retryAfter(runtime, state, delaySeconds)
    return settled(state, { kind: 'retry', error, delaySeconds })
  }

  const released = await releaseLease(runtime, state, nowSeconds)
  if (released === 'taken-over') return settled(state, { kind: 'retry', error })
  if (released === 'completed') {
    // Its completion (with the handler's writes) committed; only the reply was lost.
    // One 'processed' line, as processed.ts writes it: the log counts what took effect.
    log.info('processed', {
      attempt: state.attempt,
      note: 'the completion landed though its reply was lost',
      ...describeError(error),
    })
    runtime.metrics.addMetric(RUNTIME_METRICS.processed, MetricUnit.Count, 1)
    return settled(state, { kind: 'processed' })
  }
  const history = sinceFirstReceive(state, released)
  const failureClass = classifyError(error)
  if (failureClass === 'permanent' || state.attempt >= runtime.config.maxReceiveCount) {
    return sendToDeadLetterQueue(runtime, state, failureClass, history, nowSeconds)
  }
  runtime.metrics.addMetric(RUNTIME_METRICS.retried, MetricUnit.Count, 1)
  const details = { ...describeError(error), attempt: state.attempt }
  if (failureClass === 'transient') {
    const { config } = runtime
    const backoff = backoffDelay(
      state.attempt,
      { baseSeconds: config.backoffBaseSeconds, capSeconds: config.backoffCapSeconds },
      runtime.random,
    )
    const delaySeconds = Math.max(backoff, retryAfterOf(error))
    log.warn('transient failure; retried after a backoff', { ...details, delaySeconds })
    await retryAfter(runtime, state, delaySeconds)
    return settled(state, { kind: 'retry', error, delaySeconds })
  }
  log.warn('failed; retried when its visibility timeout ends', details)
  return settled(state, { kind: 'retry', error })
}

/**
 * Releases the record's lease, counting the failure: its failure history, `taken-over`
 * when another owner holds it now, or `completed` when this lease's completion had landed.
 * A record without a lease (or whose release failed) has this failure as its history.
 */
async function releaseLease(
  runtime: ConsumerRuntime,
  state: Failed,
  nowSeconds: number,
): Promise<FailureHistory | 'taken-over' | 'completed'> {
  const firstFailure = { firstFailureAt: nowSeconds, failures: 1 }
  if (!state.lock) return firstFailure
  try {
    return await runtime.store.release(state.lock)
  } catch (releaseError) {
    if (releaseError instanceof LeaseLostError || releaseError instanceof RecordRaceError) {
      state.log.warn(
        'failed after the lease was taken over; the new owner processes the event',
        describeError(state.error),
      )
      return 'taken-over'
    }
    state.log.error('could not release the idempotency record', describeError(releaseError))
    return firstFailure
  }
}

/**
 * The failure history counted from the message's first receive: a receive after the first
 * means every earlier one failed (SQS redelivers only what was not deleted), also those that
 * failed before a lease was taken, which no idempotency record counted.
 */
function sinceFirstReceive(state: Failed, history: FailureHistory): FailureHistory {
  if (state.attempt <= 1) return history
  const firstReceiveMs = Number(state.record.attributes.ApproximateFirstReceiveTimestamp)
  if (!Number.isFinite(firstReceiveMs) || firstReceiveMs <= 0) return history
  return {
    ...history,
    firstFailureAt: Math.min(history.firstFailureAt, Math.floor(firstReceiveMs / 1000)),
  }
}

/**
 * Sends the record to the DLQ with its failure metadata, then deletes it; left for the
 * queue's redrive when the DLQ refused it.
 */
async function sendToDeadLetterQueue(
  runtime: ConsumerRuntime,
  state: Failed,
  failureClass: FailureClass,
  history: FailureHistory,
  nowSeconds: number,
): Promise<Settled> {
  const { config } = runtime
  const { attempt, error, log } = state
  const details = describeError(error)
  let sent: Awaited<ReturnType<typeof deadLetter>>
  try {
    sent = await deadLetter(await runtime.sqs(), config, state.record, {
      ...details,
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
    return settled(state, { kind: 'retry', error })
  }
  if (sent.deleteError !== undefined) {
    // Reported as done, Lambda deletes it; retrying would put a second copy in the DLQ.
    log.warn('dead-lettered, but deleting the source message failed; Lambda deletes it', {
      deleteError: describeError(sent.deleteError),
    })
  }
  runtime.metrics.addMetric(RUNTIME_METRICS.deadLettered, MetricUnit.Count, 1)
  const lastReceive = failureClass !== 'permanent'
  log.error(lastReceive ? 'dead-lettered on its last receive' : 'dead-lettered', {
    ...details,
    attempt,
    failureClass,
  })
  return settled(state, { kind: 'dead-lettered' })
}

/** Hides the message for `delaySeconds` from now; a failure only means the default timeout applies. */
/**
 * A later copy of an event in the batch whose first copy is retried: comes back with it,
 * after the first copy's delay when it had one. Left to its visibility timeout instead, it
 * came back minutes after the event was processed (180 s for projections, whose first copy
 * waits 2 s for the orders service to record the order).
 */
export async function retryWithFirstCopy(
  runtime: ConsumerRuntime,
  copy: Held | Refused,
  error: Error,
  delaySeconds: number | undefined,
): Promise<Settled> {
  if (delaySeconds !== undefined) await retryAfter(runtime, copy, delaySeconds)
  return settled(copy, { kind: 'retry', error, delaySeconds })
}

async function retryAfter(
  runtime: ConsumerRuntime,
  { record, log }: Pick<Failed, 'record' | 'log'>,
  delaySeconds: number,
): Promise<void> {
  try {
    const [sqs, { ChangeMessageVisibilityCommand }] = await Promise.all([
      runtime.sqs(),
      sqsModule(),
    ])
    await retryTransient(() =>
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: runtime.config.queueUrl,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: Math.min(delaySeconds, awsLimits.maxRetryDelaySeconds),
        }),
      ),
    )
  } catch (error) {
    log.warn('could not change the visibility timeout', describeError(error))
  }
}

/**
 * The least delay the handler asked for (`TransientError.retryAfterSeconds`), whole seconds;
 * 0 when it asked for none or for no finite number. Zero or negative delays need no check:
 * the caller takes the larger of this and the backoff.
 */
function retryAfterOf(error: unknown): number {
  const seconds = error instanceof TransientError ? error.retryAfterSeconds : undefined
  return Number.isFinite(seconds) ? Math.ceil(Number(seconds)) : 0
}

function describeError(error: unknown): { errorName: string; errorMessage: string } {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message }
  return { errorName: 'NonError', errorMessage: String(error) }
}
