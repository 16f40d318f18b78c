import { BroadcastChannel } from 'node:worker_threads'
import { SPAN_ATTRIBUTES, SPAN_CHANNEL, type SpanRecord } from '../../contracts/trace-context.ts'

/**
 * The spans of the local pipeline, as the functions' in-process exporters post them on
 * SPAN_CHANNEL (every thread of this process): the most recent `capacity` spans, whole
 * traces dropped oldest first, indexed by trace and by the event ids they carry.
 */
export class SpanStore {
  readonly #channel = new BroadcastChannel(SPAN_CHANNEL)
  readonly #traces = new Map<string, SpanRecord[]>()
  readonly #tracesOfEvent = new Map<string, Set<string>>()
  readonly #capacity: number
  #count = 0

  /** @param capacity spans kept at most. @default 50000 */
  constructor(capacity = 50_000) {
    this.#capacity = capacity
    this.#channel.unref()
    this.#channel.onmessage = (message) => this.add((message as MessageEvent).data as SpanRecord[])
  }

  add(spans: readonly SpanRecord[]): void {
    for (const span of spans) {
      let trace = this.#traces.get(span.traceId)
      if (!trace) {
        trace = []
        this.#traces.set(span.traceId, trace)
      }
      trace.push(span)
      this.#count++
      const eventId = span.attributes[SPAN_ATTRIBUTES.eventId]
      if (typeof eventId === 'string') {
        let traces = this.#tracesOfEvent.get(eventId)
        if (!traces) {
          traces = new Set()
          this.#tracesOfEvent.set(eventId, traces)
        }
        traces.add(span.traceId)
      }
    }
    while (this.#count > this.#capacity) this.#dropOldestTrace()
  }

  /** Spans kept. */
  get size(): number {
    return this.#count
  }

  /** The spans of every trace an event is part of, by start time. */
  spansOfEvent(eventId: string): SpanRecord[] {
    const traces = [...(this.#tracesOfEvent.get(eventId) ?? [])]
    return traces.flatMap((id) => this.#traces.get(id) ?? []).sort(byStart)
  }

  /** The spans of a trace, by start time. */
  trace(traceId: string): SpanRecord[] {
    return [...(this.#traces.get(traceId) ?? [])].sort(byStart)
  }

  close(): void {
    this.#channel.close()
  }

  #dropOldestTrace(): void {
    const oldest = this.#traces.keys().next()
    if (oldest.done) return
    const spans = this.#traces.get(oldest.value) ?? []
    this.#traces.delete(oldest.value)
    this.#count -= spans.length
    for (const span of spans) {
      const eventId = span.attributes[SPAN_ATTRIBUTES.eventId]
      if (typeof eventId !== 'string') continue
      const traces = this.#tracesOfEvent.get(eventId)
      traces?.delete(oldest.value)
      if (traces?.size === 0) this.#tracesOfEvent.delete(eventId)
    }
  }
}

const byStart = (a: SpanRecord, b: SpanRecord) => a.startTime - b.startTime
