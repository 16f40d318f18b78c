import { MetricUnit } from '@aws-lambda-powertools/metrics'
import type { ConsumerRuntime } from './consumer-runtime.ts'
import { type Handled, type Held, type Settled, settled } from './record-state.ts'
import { runtimeMetrics } from './runtime-metrics.ts'

/** Counts and logs a record whose event is processed and recorded as completed. */
export function processed(
  runtime: ConsumerRuntime,
  state: Held | Handled,
  durationMs: number,
): Settled {
  const { metrics } = runtime
  metrics.addMetric(runtimeMetrics.processed, MetricUnit.Count, 1)
  metrics.addMetric(runtimeMetrics.processingLatency, MetricUnit.Milliseconds, durationMs)
  const age = runtime.now() - Date.parse(state.event.timestamp)
  if (Number.isFinite(age))
    metrics.addMetric(runtimeMetrics.eventAge, MetricUnit.Milliseconds, Math.max(0, age))
  state.log.debug('processed', { durationMs })
  return settled(state, { kind: 'processed' })
}
