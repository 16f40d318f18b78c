/**
 * How an event is stored in the events table, which is also the outbox: the outbox
 * publisher reads these items from the table's stream and puts their envelopes on the bus.
 *
 * | attribute       | type | meaning                                                  |
 * | --------------- | ---- | -------------------------------------------------------- |
 * | `pk`            | S    | stream id, e.g. `payment-o-123`                           |
 * | `sk`            | N    | the event's version in its stream, 1, 2, ...             |
 * | `eventId`       | S    | the envelope's eventId                                   |
 * | `eventType`     | S    | e.g. `payment.authorized`                                |
 * | `version`       | N    | the event's schema version                               |
 * | `timestamp`     | S    | ISO 8601                                                 |
 * | `source`        | S    | the producing service                                    |
 * | `correlationId` | S    |                                                          |
 * | `causationId`   | S    | optional                                                 |
 * | `payload`       | M    | the payload                                              |
 * | `origin`        | S    | `decided` or `recorded`; see {@link StoredOrigin}         |
 * | `traceparent`   | S    | optional: the W3C trace context it was appended in       |
 * | `tracestate`    | S    | optional, with `traceparent`                             |
 *
 * The key names and the origin markers are contracts with the EventStore construct:
 * contracts/event-store-tables.ts; the trace context's, contracts/trace-context.ts (the
 * outbox publisher continues the trace of the handler that appended the event).
 */
import {
  EVENT_STORE_SCHEMA,
  ORIGIN_ATTRIBUTE,
  PUBLISHED_ORIGIN,
  type StoredOrigin,
} from '../../contracts/event-store-tables.ts'
import { activeTraceFields } from '../tracing/index.ts'

const { partitionKey, sortKey } = EVENT_STORE_SCHEMA.events

/** The envelope as it goes on the bus. */
export interface BusEvent {
  readonly eventId: string
  readonly eventType: string
  readonly version: number
  readonly timestamp: string
  readonly source: string
  readonly correlationId: string
  readonly causationId?: string
  readonly payload: unknown
}

/** An events-table item: the envelope, its stream id and version, and its origin. */
export type StoredEvent = BusEvent & { readonly [key in typeof partitionKey]: string } & {
  readonly [key in typeof sortKey]: number
} & { readonly [key in typeof ORIGIN_ATTRIBUTE]: StoredOrigin }

/**
 * The item that stores `event` as version `streamVersion` of stream `streamId`, with the
 * active trace context when tracing is on.
 */
export function toStoredEvent(
  streamId: string,
  streamVersion: number,
  event: BusEvent,
  origin: StoredOrigin = PUBLISHED_ORIGIN,
): StoredEvent {
  return {
    [partitionKey]: streamId,
    [sortKey]: streamVersion,
    ...event,
    [ORIGIN_ATTRIBUTE]: origin,
    ...activeTraceFields(),
  } as StoredEvent
}

/** A stored item's place for messages: `<stream id>@<version>`. */
export function storedEventName(item: Readonly<Record<string, unknown>>): string {
  return `${String(item[partitionKey])}@${String(item[sortKey])}`
}

const REQUIRED_STRINGS = ['eventId', 'eventType', 'timestamp', 'source', 'correlationId'] as const

/**
 * The envelope of a stored event, from an unmarshalled stream image. Throws an error naming
 * every missing or mistyped attribute.
 */
export function toBusEvent(item: Record<string, unknown>): BusEvent {
  const problems: string[] = []
  for (const name of REQUIRED_STRINGS) {
    if (typeof item[name] !== 'string' || item[name] === '')
      problems.push(`${name} (a non-empty string)`)
  }
  if (!Number.isInteger(item.version) || (item.version as number) < 1) {
    problems.push('version (a positive integer)')
  }
  if (item.causationId !== undefined && typeof item.causationId !== 'string') {
    problems.push('causationId (a string when present)')
  }
  if (!('payload' in item)) problems.push('payload')
  if (problems.length > 0) {
    throw new Error(
      `stored event ${storedEventName(item)} lacks or mistypes: ${problems.join(', ')}`,
    )
  }
  return {
    eventId: item.eventId as string,
    eventType: item.eventType as string,
    version: item.version as number,
    timestamp: item.timestamp as string,
    source: item.source as string,
    correlationId: item.correlationId as string,
    ...(item.causationId !== undefined ? { causationId: item.causationId as string } : {}),
    payload: item.payload,
  }
}
