import { catalogue, latestEvent } from './catalogue.ts'
import type { EventDefinition, EventOf } from './define-event.ts'
import { describeIssues } from './describe-issues.ts'
import type { EventEnvelope } from './envelope.ts'
import { EventValidationError, UnknownEventError, UpcastError } from './errors.ts'

/** The versions a definition reads, newest first: itself, then each `upcastFrom.from`. */
export function upcastChain(definition: EventDefinition): EventDefinition[] {
  const chain: EventDefinition[] = []
  for (let d: EventDefinition | undefined = definition; d; d = d.upcastFrom?.from) chain.push(d)
  return chain
}

/**
 * Why `definition` cannot read an event of its type at `version`, or undefined when it can:
 * the one rule of version acceptance, which the consumer runtime, the event store's readers
 * and the stack's cross-check share. A reader takes its own version and every older one on
 * its upcast chain; nothing downcasts, so a newer version is never readable.
 */
export function unreachableVersion(
  definition: EventDefinition,
  version: number,
): string | undefined {
  const chain = upcastChain(definition)
  if (chain.some((d) => d.version === version)) return undefined
  const { type } = definition
  if (version > definition.version) {
    return `${type} v${version} is newer than the v${definition.version} this reader takes, and nothing downcasts: move the reader to v${version} (the versions it declares), then redrive what it dead-lettered`
  }
  const reads = chain.map((d) => `v${d.version}`).join(', ')
  return `${type} v${version} cannot be upcast to v${definition.version}: this reader takes ${reads} (its upcast chain); declare an upcastFrom that reads v${version}`
}

/**
 * Reads an event envelope as `definition` (a tolerant reader): validated against the
 * definition of its own version on `definition`'s upcast chain, then upcast one version at
 * a time, each result validated. Throws `UnknownEventError` when the event is not of the
 * type or its version is not on the chain, `EventValidationError` when it does not match its
 * version's schema, and `UpcastError` when an upcaster throws or returns an invalid payload.
 */
export function readEventAs<TDefinition extends EventDefinition>(
  definition: TDefinition,
  event: EventEnvelope,
): EventOf<TDefinition> {
  const chain = upcastChain(definition)
  const at = chain.findIndex((d) => d.type === event.eventType && d.version === event.version)
  const own = chain[at]
  if (!own) {
    // Not of the type, or a version unreachableVersion names a reason for.
    throw new UnknownEventError(
      event.eventType,
      event.version,
      chain.map((d) => `${d.type} v${d.version}`),
    )
  }
  const parsed = own.envelope.safeParse(event)
  if (!parsed.success) {
    throw new EventValidationError(
      `${event.eventType} v${event.version} event ${event.eventId}`,
      describeIssues(parsed.error.issues),
    )
  }
  let current = parsed.data as EventEnvelope
  for (let i = at - 1; i >= 0; i--) {
    const next = chain[i]!
    let payload: unknown
    try {
      payload = next.upcastFrom!.upcast(current)
    } catch (error) {
      throw new UpcastError(current, current.version, next.version, [(error as Error).message], {
        cause: error,
      })
    }
    const result = next.envelope.safeParse({ ...current, version: next.version, payload })
    if (!result.success) {
      throw new UpcastError(
        current,
        current.version,
        next.version,
        describeIssues(result.error.issues),
      )
    }
    current = result.data as EventEnvelope
  }
  return current as EventOf<TDefinition>
}

/**
 * An event at the newest version of its type in `definitions`, upcast when it is older (see
 * `readEventAs`). Returned as it is when it is at that version already, or of a type the
 * definitions do not know.
 */
export function upcastEvent(
  event: EventEnvelope,
  definitions: readonly EventDefinition[] = catalogue,
): EventEnvelope {
  const latest = latestEvent(event.eventType, definitions)
  if (!latest || latest.version === event.version) return event
  return readEventAs(latest, event)
}
