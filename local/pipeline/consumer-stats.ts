import { RUNTIME_METRICS } from '../../contracts/runtime-metrics.ts'
import type { BatchOutcome } from '../lambda/event-sources/batch-outcome.ts'
import { LatencyWindow } from './latency-window.ts'

/** One function's processing figures, as `/_pipeline/status` serves them. */
export interface FunctionFigures {
  /**
   * Records the consumer runtime processed: its `processed` metric, which counts neither the
   * duplicates it skipped nor the records it dead-lettered or ignored.
   */
  readonly processed: number
  /** Duplicates the runtime skipped (its `duplicate` metric). */
  readonly duplicates: number
  /** Records the runtime sent to the DLQ itself (its `deadLettered` metric). */
  readonly deadLettered: number
  /** Records returned to their source (failed, or in a failed invocation). */
  readonly failed: number
  readonly invocations: number
  readonly failedInvocations: number
  /**
   * The age of each processed record's event when it was processed (the runtime's
   * `eventAge`), over the most recent ones; null before any.
   */
  readonly latencyP50Ms: number | null
  readonly latencyP99Ms: number | null
}

interface Counts {
  processed: number
  duplicates: number
  deadLettered: number
  failed: number
  invocations: number
  failedInvocations: number
  latency: LatencyWindow
}

const sum = (values: readonly number[] | undefined) =>
  (values ?? []).reduce((total, value) => total + value, 0)

/**
 * Figures per function from the outcomes of the batches the mappings delivered: what the
 * event source mapping did with the records (returned or not), and what the function's
 * runtime counted of them in the metrics it emitted, as CloudWatch would read them.
 */
export class ConsumerStats {
  readonly #functions = new Map<string, Counts>()

  /** Records one batch's outcome; the runner's `onBatch`. */
  readonly record = (outcome: BatchOutcome): void => {
    let counts = this.#functions.get(outcome.functionName)
    if (!counts) {
      counts = {
        processed: 0,
        duplicates: 0,
        deadLettered: 0,
        failed: 0,
        invocations: 0,
        failedInvocations: 0,
        latency: new LatencyWindow(),
      }
      this.#functions.set(outcome.functionName, counts)
    }
    const { metrics } = outcome
    counts.invocations++
    if (outcome.error) counts.failedInvocations++
    counts.failed += outcome.records.length - outcome.succeeded.size
    counts.processed += sum(metrics[RUNTIME_METRICS.processed])
    counts.duplicates += sum(metrics[RUNTIME_METRICS.duplicate])
    counts.deadLettered += sum(metrics[RUNTIME_METRICS.deadLettered])
    for (const age of metrics[RUNTIME_METRICS.eventAge] ?? []) counts.latency.add(age)
  }

  snapshot(): Record<string, FunctionFigures> {
    const result: Record<string, FunctionFigures> = {}
    for (const [name, { latency, ...counts }] of this.#functions) {
      result[name] = {
        ...counts,
        latencyP50Ms: latency.percentile(50) ?? null,
        latencyP99Ms: latency.percentile(99) ?? null,
      }
    }
    return result
  }
}
