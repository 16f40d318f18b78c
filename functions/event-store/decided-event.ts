import { createEvent } from '../catalogue/create-event.ts'
import type { EventDefinition, EventOf, PayloadOf } from '../catalogue/define-event.ts'
import { EventValidationError } from '../catalogue/errors.ts'

/**
 * What a command carries besides its data: the time and the id of the event it leads to
 * come in as data, so `decide` stays pure and a retried command decides the same event.
 */
export interface CommandMetadata {
  readonly now: Date
  /** The id of the event the command emits. */
  readonly eventId: string
  /** @default - the service's name */
  readonly source?: string
  /** @default - the new event's own id */
  readonly correlationId?: string
  /** The event (or request) that led to the command. */
  readonly causationId?: string
}

/**
 * An event a decider emits, built and validated against the catalogue; an invalid payload
 * becomes the domain's own error (`invalid`), so a decider throws only its errors.
 */
export function decidedEvent<TDefinition extends EventDefinition>(
  definition: TDefinition,
  payload: PayloadOf<TDefinition>,
  metadata: CommandMetadata,
  service: string,
  invalid: (issues: readonly string[], cause: EventValidationError) => Error,
): EventOf<TDefinition> {
  try {
    return createEvent(definition, payload, {
      source: metadata.source ?? service,
      eventId: metadata.eventId,
      timestamp: metadata.now,
      ...(metadata.correlationId === undefined ? {} : { correlationId: metadata.correlationId }),
      ...(metadata.causationId === undefined ? {} : { causationId: metadata.causationId }),
    })
  } catch (error) {
    if (error instanceof EventValidationError) throw invalid(error.issues, error)
    throw error
  }
}
