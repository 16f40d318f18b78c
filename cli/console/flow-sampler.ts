import type { PipelineResources } from '../../contracts/outputs.ts'
import { type ConsumerStatus, consumerStatuses } from '../consumer-status.ts'
import type { PipelineReader } from '../readers/index.ts'

/** One consumer at one moment, for its flow chart. */
export interface FlowSample {
  /** Epoch ms. */
  readonly at: number
  /** Records processed per second since the sample before. */
  readonly processedPerSecond: number
  readonly retriedPerSecond: number
  /** Messages on its DLQs. */
  readonly deadLettered: number
  readonly latencyP50Ms: number | null
  readonly latencyP99Ms: number | null
  /**
   * The first sample after a pause in the reads (no page open, or its tab hidden): its line
   * starts anew, the rates over the pause being unknown.
   */
  readonly resumed: boolean
}

/**
 * Every consumer's status, the last `keep` of them, read through the pipeline's reader when
 * the console asks for its figures (the page does every 2 s while it is open and visible):
 * what the flow charts draw. Nothing is read while no page is open, which keeps an idle
 * `npm start` idle. A read after a pause longer than `gapMs` does not make a rate over the
 * pause (that would be an average over minutes nobody watched, drawn as if it were a
 * sample): it becomes the base of the next sample, which is marked `resumed`.
 */
export class FlowSampler {
  readonly #reader: PipelineReader
  readonly #resources: PipelineResources
  readonly #keep: number
  readonly #gapMs: number
  readonly #samples = new Map<string, FlowSample[]>()
  #last: { at: number; statuses: readonly ConsumerStatus[] } | undefined
  #resumed = false
  #reading: Promise<readonly ConsumerStatus[]> | undefined

  constructor(
    reader: PipelineReader,
    resources: PipelineResources,
    { keep = 120, gapMs = 15_000 }: { keep?: number; gapMs?: number } = {},
  ) {
    this.#reader = reader
    this.#resources = resources
    this.#keep = keep
    this.#gapMs = gapMs
  }

  /** The statuses now (one read at a time: callers at once share it), recorded as a sample. */
  read(): Promise<readonly ConsumerStatus[]> {
    this.#reading ??= consumerStatuses(this.#reader, this.#resources)
      .then((statuses) => {
        this.#record(Date.now(), statuses)
        return statuses
      })
      .finally(() => {
        this.#reading = undefined
      })
    return this.#reading
  }

  /** Each consumer's samples, oldest first. */
  samples(): Record<string, readonly FlowSample[]> {
    return Object.fromEntries(this.#samples)
  }

  #record(at: number, statuses: readonly ConsumerStatus[]): void {
    const last = this.#last
    // Two reads a moment apart make a rate of noise: such a read only refreshes the figures.
    if (last && at - last.at < 1000) return
    this.#last = { at, statuses }
    if (!last) return
    if (at - last.at > this.#gapMs) {
      this.#resumed = this.#samples.size > 0
      return
    }
    const resumed = this.#resumed
    this.#resumed = false
    const seconds = (at - last.at) / 1000
    for (const status of statuses) {
      const before = last.statuses.find((s) => s.consumer === status.consumer)
      const rate = (now: number | null, then: number | null | undefined) =>
        now === null || then === null || then === undefined
          ? 0
          : Math.max(0, (now - then) / seconds)
      const series = this.#samples.get(status.consumer) ?? []
      series.push({
        at,
        processedPerSecond: rate(status.processed, before?.processed),
        retriedPerSecond: rate(status.retried, before?.retried),
        deadLettered: status.deadLettered,
        latencyP50Ms: status.latencyP50Ms,
        latencyP99Ms: status.latencyP99Ms,
        resumed,
      })
      if (series.length > this.#keep) series.shift()
      this.#samples.set(status.consumer, series)
    }
  }
}
