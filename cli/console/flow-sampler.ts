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
}

/**
 * Every consumer's status every `intervalMs`, the last `keep` of them, through the
 * pipeline's reader: what the console's flow charts draw. One read of the queue counts and
 * the runtime's figures per interval, whether a page is open or not, so that a page opened
 * later shows the minutes before it.
 */
export class FlowSampler {
  readonly #reader: PipelineReader
  readonly #resources: PipelineResources
  readonly #keep: number
  readonly #samples = new Map<string, FlowSample[]>()
  #last: { at: number; statuses: readonly ConsumerStatus[] } | undefined
  #timer: NodeJS.Timeout | undefined
  #reading: Promise<readonly ConsumerStatus[]> | undefined

  constructor(
    reader: PipelineReader,
    resources: PipelineResources,
    { intervalMs = 5000, keep = 120 }: { intervalMs?: number; keep?: number } = {},
  ) {
    this.#reader = reader
    this.#resources = resources
    this.#keep = keep
    this.#timer = setInterval(() => void this.read().catch(() => {}), intervalMs)
    this.#timer.unref()
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

  stop(): void {
    clearInterval(this.#timer)
  }

  #record(at: number, statuses: readonly ConsumerStatus[]): void {
    const last = this.#last
    // Two reads a moment apart make a rate of noise: such a read only refreshes the figures.
    if (last && at - last.at < 1000) return
    this.#last = { at, statuses }
    if (!last) return
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
      })
      if (series.length > this.#keep) series.shift()
      this.#samples.set(status.consumer, series)
    }
  }
}
