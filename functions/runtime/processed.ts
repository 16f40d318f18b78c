import { MetricUnit } from '@aws-lambda-powertools/metrics'
import { RUNTIME_METRICS } from '../../contracts/runtime-metrics.ts'
import type { ConsumerRuntime } from './consumer-runtime.ts'
import { type Handled, type Held, type Settled, settled } from './record-state.ts'

/** Counts and logs a record whose event is processed and recorded as completed. */
export function processed(
  runtime: ConsumerRuntime,
  state: Held | Handled,
  durationMs: number,
): Settled {
  const { metrics } = runtime
  metrics.addMetric(RUNTIME_METRICS.processed, MetricUnit.Count, 1)
  metrics.addMetric(RUNTIME_METRICS.processingLatency, MetricUnit.Milliseconds, durationMs)
  const age = runtime.now() - Date.parse(state.event.timestamp)
  if (Number.isFinite(age))
    metrics.addMetric(RUNTIME_METRICS.eventAge, MetricUnit.Milliseconds, Math.max(0, age))
  // One line per processed record, at the level a retry's line is: the log counts what
  // took effect, and a retried run shows as its failure and then this, with its attempt.
  state.log.info('processed', { attempt: state.attempt, durationMs })
  return settled(state, { kind: 'processed' })
}
