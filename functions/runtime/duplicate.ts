import { MetricUnit } from '@aws-lambda-powertools/metrics'
import { RUNTIME_METRICS } from '../../contracts/runtime-metrics.ts'
import type { ConsumerRuntime } from './consumer-runtime.ts'
import { type Held, type Refused, type Settled, settled } from './record-state.ts'

/**
 * Counts and logs a copy of an event that is processed already (`why`: by an earlier
 * invocation, or by an earlier copy in this batch), once per copy: the log and the
 * `duplicate` metric tell every skipped copy.
 */
export function skippedDuplicate(
  runtime: ConsumerRuntime,
  state: Held | Refused,
  why: string,
): Settled {
  state.log.info(`duplicate skipped: ${why}`)
  runtime.metrics.addMetric(RUNTIME_METRICS.duplicate, MetricUnit.Count, 1)
  return settled(state, { kind: 'duplicate' })
}
