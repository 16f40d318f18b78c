import type { EventStore, RecordedEvent } from '../functions/event-store/index.ts'
import { inventoryStreamId } from '../functions/inventory/index.ts'
import { orderStreamId } from '../functions/orders/index.ts'
import { paymentStreamId } from '../functions/payments/index.ts'

/** One saga event, once, with every stream position it is recorded at. */
export interface SagaEntry {
  readonly eventId: string
  readonly eventType: string
  readonly timestamp: string
  readonly source: string
  readonly correlationId: string
  readonly causationId?: string
  /** `<stream>@<version>` of each copy; the deciding service's stream first. */
  readonly recordedIn: readonly string[]
  readonly payload: unknown
}

/**
 * An order's saga across its streams (the order's, its reservation's, its payment's), each
 * event once, in causal order: an event after the one that caused it, otherwise by time.
 * `asOf` keeps the events at or before a time.
 */
export async function sagaHistory(
  store: EventStore,
  orderId: string,
  asOf?: Date,
): Promise<SagaEntry[]> {
  const streams = [orderStreamId(orderId), inventoryStreamId(orderId), paymentStreamId(orderId)]
  const read = await Promise.all(streams.map((id) => store.readStream(id, asOf ? { asOf } : {})))
  const byId = new Map<string, { first: RecordedEvent; copies: RecordedEvent[] }>()
  for (const recorded of read.flat()) {
    const known = byId.get(recorded.event.eventId)
    if (known) known.copies.push(recorded)
    else byId.set(recorded.event.eventId, { first: recorded, copies: [recorded] })
  }
  const entries = [...byId.values()].map(({ first, copies }): SagaEntry => {
    const { event } = first
    // The decided copy is where the event was made; recorded copies are where it was heard.
    const ordered = [...copies].sort((a, b) =>
      a.origin === 'decided' ? -1 : b.origin === 'decided' ? 1 : 0,
    )
    return {
      eventId: event.eventId,
      eventType: event.eventType,
      timestamp: event.timestamp,
      source: event.source,
      correlationId: event.correlationId,
      ...(event.causationId === undefined ? {} : { causationId: event.causationId }),
      recordedIn: ordered.map((r) => `${r.streamId}@${r.streamVersion}`),
      payload: event.payload,
    }
  })
  return causalOrder(entries)
}

/** Each event after its cause (when the cause is among them), otherwise the earliest first. */
function causalOrder(entries: readonly SagaEntry[]): SagaEntry[] {
  const ids = new Set(entries.map((e) => e.eventId))
  const done = new Set<string>()
  const left = [...entries].sort(
    (a, b) =>
      Date.parse(a.timestamp) - Date.parse(b.timestamp) || a.eventId.localeCompare(b.eventId),
  )
  const ordered: SagaEntry[] = []
  while (left.length > 0) {
    const ready = left.findIndex(
      (e) => e.causationId === undefined || !ids.has(e.causationId) || done.has(e.causationId),
    )
    // A cycle of causes cannot happen with real events; take the earliest rather than loop.
    const [next] = left.splice(ready === -1 ? 0 : ready, 1)
    ordered.push(next!)
    done.add(next!.eventId)
  }
  return ordered
}
