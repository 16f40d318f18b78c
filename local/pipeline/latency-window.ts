/**
 * The most recent latency samples (a ring of `capacity`), for percentiles that follow what
 * the pipeline does now rather than since it started.
 */
export class LatencyWindow {
  readonly #samples: number[] = []
  readonly #capacity: number
  #next = 0

  constructor(capacity = 10_000) {
    this.#capacity = capacity
  }

  add(ms: number): void {
    if (this.#samples.length < this.#capacity) this.#samples.push(ms)
    else this.#samples[this.#next] = ms
    this.#next = (this.#next + 1) % this.#capacity
  }

  get size(): number {
    return this.#samples.length
  }

  /** The nearest-rank percentile `p` (0–100) of the samples, or undefined when there are none. */
  percentile(p: number): number | undefined {
    if (this.#samples.length === 0) return undefined
    const sorted = [...this.#samples].sort((a, b) => a - b)
    const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
    return sorted[rank - 1]
  }
}
