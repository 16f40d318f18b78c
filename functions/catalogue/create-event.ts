import { randomUUID } from 'node:crypto'
import type { EventDefinition, EventOf, PayloadOf } from './define-event.ts'
import { describeIssues } from './describe-issues.ts'
import { EventValidationError } from './errors.ts'

export interface EventOrigin {
  /** The producing service, e.g. `orders`. */
  readonly source: string
  /** @default the new event's own eventId (it begins a chain) */
  readonly correlationId?: string
  /** The event or command that caused this one. @default - none */
  readonly causationId?: string
  /** @default - a random UUID */
  readonly eventId?: string
  /** @default - now */
  readonly timestamp?: Date
}

/**
 * Builds an event of a definition around a payload and validates it, so an event that
 * leaves a producer is always one the catalogue accepts.
 */
export function createEvent<TDefinition extends EventDefinition>(
  definition: TDefinition,
  payload: PayloadOf<TDefinition>,
  origin: EventOrigin,
): EventOf<TDefinition> {
  const eventId = origin.eventId ?? randomUUID()
  const event = {
    eventId,
    eventType: definition.type,
    version: definition.version,
    timestamp: (origin.timestamp ?? new Date()).toISOString(),
    source: origin.source,
    correlationId: origin.correlationId ?? eventId,
    ...(origin.causationId === undefined ? {} : { causationId: origin.causationId }),
    payload,
  }
  const parsed = definition.envelope.safeParse(event)
  if (!parsed.success) {
    throw new EventValidationError(
      `${definition.type} v${definition.version} event ${eventId}`,
      describeIssues(parsed.error.issues),
    )
  }
  return parsed.data as EventOf<TDefinition>
}
