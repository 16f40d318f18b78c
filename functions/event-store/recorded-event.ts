import type { StoredOrigin } from '../../contracts/event-store-tables.ts'
import type { EventEnvelope } from '../catalogue/envelope.ts'

/** An event as read back from its stream: the envelope and where it sits. */
export interface RecordedEvent<TEvent extends EventEnvelope = EventEnvelope> {
  readonly streamId: string
  /** Its version in the stream: 1, 2, ... without gaps. */
  readonly streamVersion: number
  /** `decided` (the outbox publishes it) or `recorded` (it came from the bus). */
  readonly origin: StoredOrigin
  readonly event: TEvent
}
