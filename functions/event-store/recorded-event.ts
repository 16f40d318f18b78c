import type { EventEnvelope } from '../catalogue/envelope.ts'
import type { StoredOrigin } from '../outbox-publisher/stored-event.ts'

/** An event as read back from its stream: the envelope and where it sits. */
export interface RecordedEvent<TEvent extends EventEnvelope = EventEnvelope> {
  readonly streamId: string
  /** Its version in the stream: 1, 2, ... without gaps. */
  readonly streamVersion: number
  /** `decided` (the outbox publishes it) or `recorded` (it came from the bus). */
  readonly origin: StoredOrigin
  readonly event: TEvent
}
