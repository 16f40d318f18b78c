import { MetricUnit } from '@aws-lambda-powertools/metrics'
import { RUNTIME_METRICS } from '../../contracts/runtime-metrics.ts'
import type { BatchScope } from './batch-scope.ts'
import type { ConsumerRuntime } from './consumer-runtime.ts'
import { skippedDuplicate } from './duplicate.ts'
import { EventInProgressError, InvalidRecordError } from './errors.ts'
import { processed } from './processed.ts'
import {
  type Failed,
  failed,
  type Handled,
  type Held,
  type Invalid,
  type Refused,
  type Settled,
  settled,
} from './record-state.ts'

/**
 * Handle: runs the handler of a held record; settles or fails the others. Transactional
 * writes commit here with the record; otherwise completion is the complete phase's.
 */
export function handleRecord(
  runtime: ConsumerRuntime,
  state: Invalid | Held | Refused,
  batch: BatchScope,
): Promise<Handled | Settled | Failed> {
  switch (state.state) {
    case 'invalid':
      return Promise.resolve(rejectInvalid(runtime, state))
    case 'refused':
      return Promise.resolve(refused(runtime, state))
    case 'held':
      return runHandler(runtime, state, batch)
  }
}

/** Not a valid event: ignored when it is of a type this consumer does not handle and says so. */
function rejectInvalid(runtime: ConsumerRuntime, state: Invalid): Settled | Failed {
  const { error } = state
  if (
    error instanceof InvalidRecordError &&
    error.reason === 'unknown-type' &&
    runtime.config.unknownEvents === 'ignore'
  ) {
    state.log.info('record ignored: not an event type this consumer handles', {
      reason: error.message,
    })
    runtime.metrics.addMetric(RUNTIME_METRICS.ignored, MetricUnit.Count, 1)
    return settled(state, { kind: 'ignored' })
  }
  return failed(state, error)
}

/** A completed event is a duplicate; one held elsewhere is retried after that lease. */
function refused(runtime: ConsumerRuntime, state: Refused): Settled | Failed {
  const { refusal } = state
  switch (refusal.status) {
    case 'completed':
      return skippedDuplicate(runtime, state, 'the event was already processed')
    case 'in-progress':
      return failed(state, new EventInProgressError(state.key, refusal.leaseExpiresAt))
    case 'failed':
      return failed(state, refusal.error)
  }
}

async function runHandler(
  runtime: ConsumerRuntime,
  state: Held,
  batch: BatchScope,
): Promise<Handled | Settled | Failed> {
  const { lock } = state
  const started = runtime.now()
  try {
    const writes = await batch.trace.handle(state.record, () =>
      runtime.handle(state.event, {
        record: state.record,
        attempt: state.attempt,
        logger: state.log,
        signal: batch.signal,
        lambdaContext: batch.lambdaContext,
      }),
    )
    if (Array.isArray(writes) && writes.length > 0) {
      // The effects commit with the idempotency record: one transaction, traced as the completion.
      await batch.trace.phase('idempotency complete', [state.record], () =>
        runtime.store.completeWith(lock, writes),
      )
      return processed(runtime, state, runtime.now() - started)
    }
  } catch (error) {
    return failed(state, error, lock)
  }
  return { ...state, state: 'handled', durationMs: runtime.now() - started }
}
