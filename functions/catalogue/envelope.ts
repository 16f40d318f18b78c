// zod's tree-shakable API: a bundle keeps only the schemas and checks the catalogue uses
// (zod's classic API carries every method of every schema into each consumer bundle).
import * as z from 'zod/mini'
import en from 'zod/v4/locales/en.js'

// zod/mini ships no error messages of its own ("Invalid input" for every issue); the
// catalogue's issues read as with classic zod, in English.
z.config(en())

/**
 * What every event on the bus carries around its payload. `eventId` is the producer's id
 * (consumers deduplicate on it); `correlationId` ties a chain of events to the request that
 * began it; `causationId` is the id of the event (or command) that caused this one, absent
 * on the first event of a chain.
 */
export const eventEnvelope = z.object({
  eventId: z.string().check(z.minLength(1), z.maxLength(128)),
  eventType: z
    .string()
    .check(z.regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/, 'a dotted name like order.placed')),
  version: z.int().check(z.positive()),
  timestamp: z.iso.datetime({ offset: true }),
  source: z.string().check(z.minLength(1), z.maxLength(256)),
  correlationId: z.string().check(z.minLength(1), z.maxLength(128)),
  causationId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  payload: z.unknown(),
})

/** An event envelope with a typed payload. */
export interface EventEnvelope<
  TType extends string = string,
  TVersion extends number = number,
  TPayload = unknown,
> {
  readonly eventId: string
  readonly eventType: TType
  readonly version: TVersion
  /** ISO 8601 with an offset, e.g. `2026-05-01T12:00:00.000Z`. */
  readonly timestamp: string
  /** The producing service, e.g. `orders`. */
  readonly source: string
  readonly correlationId: string
  readonly causationId?: string
  readonly payload: TPayload
}
