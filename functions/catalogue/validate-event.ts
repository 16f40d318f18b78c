import { catalogue, findEvent } from './catalogue.ts'
import type { EventDefinition } from './define-event.ts'
import { describeIssues } from './describe-issues.ts'
import { type EventEnvelope, eventEnvelope } from './envelope.ts'
import { EventValidationError, UnknownEventError } from './errors.ts'

/**
 * Checks an event against the catalogue: the envelope, then the payload schema of its type
 * and version. Returns the parsed event (unknown keys stripped); throws
 * `EventValidationError` or `UnknownEventError` naming what is wrong.
 */
export function validateEvent(
  event: unknown,
  definitions: readonly EventDefinition[] = catalogue,
): EventEnvelope {
  const envelope = eventEnvelope.safeParse(event)
  if (!envelope.success) {
    throw new EventValidationError('event envelope', describeIssues(envelope.error.issues))
  }
  const { eventType, version, eventId } = envelope.data
  const definition = findEvent(eventType, version, definitions)
  if (!definition) {
    throw new UnknownEventError(
      eventType,
      version,
      definitions.map((d) => `${d.type} v${d.version}`),
    )
  }
  const parsed = definition.envelope.safeParse(event)
  if (!parsed.success) {
    throw new EventValidationError(
      `${eventType} v${version} event ${eventId}`,
      describeIssues(parsed.error.issues),
    )
  }
  return parsed.data
}
