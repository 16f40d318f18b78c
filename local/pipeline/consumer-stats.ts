import type { SQSRecord } from 'aws-lambda'
import type { BatchOutcome } from '../lambda/event-sources/batch-outcome.ts'
import { LatencyWindow } from './latency-window.ts'
import { publishedAt } from './published-at.ts'

/** One function's processing figures, as `/_pipeline/status` serves them. */
export interface FunctionFigures {
  /** Records that succeeded. */
  readonly processed: number
  /** Records returned to their source (failed, or in a failed invocation). */
  readonly failed: number
  readonly invocations: number
  readonly failedInvocations: number
  /** Publish-to-processed latency of SQS records, over the most recent ones. */
  readonly latencyP50Ms: number | null
  readonly latencyP99Ms: number | null
}

/** Figures per function, from the outcomes of the batches the mappings delivered. */
export class ConsumerStats {
  readonly #functions = new Map<
    string,
    {
      processed: number
      failed: number
      invocations: number
      failedInvocations: number
      latency: LatencyWindow
    }
  >()

  /** Records one batch's outcome; the runner's `onBatch`. */
  readonly record = (outcome: BatchOutcome): void => {
    let figures = this.#functions.get(outcome.functionName)
    if (!figures) {
      figures = {
        processed: 0,
        failed: 0,
        invocations: 0,
        failedInvocations: 0,
        latency: new LatencyWindow(),
      }
      this.#functions.set(outcome.functionName, figures)
    }
    figures.invocations++
    if (outcome.error) figures.failedInvocations++
    figures.processed += outcome.succeeded.size
    figures.failed += outcome.records.length - outcome.succeeded.size
    for (const record of outcome.records) {
      const sqs = record as SQSRecord
      if (sqs.eventSource === 'aws:sqs' && outcome.succeeded.has(sqs.messageId)) {
        figures.latency.add(outcome.settledAt - publishedAt(sqs))
      }
    }
  }

  snapshot(): Record<string, FunctionFigures> {
    const result: Record<string, FunctionFigures> = {}
    for (const [name, f] of this.#functions) {
      result[name] = {
        processed: f.processed,
        failed: f.failed,
        invocations: f.invocations,
        failedInvocations: f.failedInvocations,
        latencyP50Ms: f.latency.percentile(50) ?? null,
        latencyP99Ms: f.latency.percentile(99) ?? null,
      }
    }
    return result
  }
}
