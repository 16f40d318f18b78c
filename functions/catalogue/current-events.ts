import { type EventVersions, readVersion } from '../../contracts/consumers.ts'
import { type CatalogueDefinition, catalogue, findEvent } from './catalogue.ts'
import type { EventDefinition } from './define-event.ts'
import { CatalogueError } from './errors.ts'
import { InventoryRejectedV1 } from './inventory-rejected.ts'
import { InventoryReleasedV1 } from './inventory-released.ts'
import { InventoryReservedV1 } from './inventory-reserved.ts'
import { OrderCancelledV2 } from './order-cancelled.ts'
import { OrderConfirmedV1 } from './order-confirmed.ts'
import { OrderPlacedV1 } from './order-placed.ts'
import { PaymentAuthorizedV1 } from './payment-authorized.ts'
import { PaymentDeclinedV1 } from './payment-declined.ts'
import { PaymentVoidedV1 } from './payment-voided.ts'
import { unreachableVersion } from './upcast-event.ts'

/** Definitions keyed by their event type. */
type ByType<TDefinitions extends readonly EventDefinition[]> = {
  readonly [D in TDefinitions[number] as D['type']]: D
}

/** Definitions keyed by their event type; throws when a type comes twice. */
function byType<const TDefinitions extends readonly EventDefinition[]>(
  ...definitions: TDefinitions
): ByType<TDefinitions> {
  const entries = new Map<string, EventDefinition>()
  for (const definition of definitions) {
    if (entries.has(definition.type)) {
      throw new Error(
        `the current events name ${definition.type} twice; give each type one version`,
      )
    }
    entries.set(definition.type, definition)
  }
  return Object.freeze(Object.fromEntries(entries)) as ByType<TDefinitions>
}

/**
 * The version of each event type that consumers take, by type: the newest (`latestEvent`),
 * named here so that a consumer's payload types are exact. The catalogue holds every
 * version; the runtime upcasts an older one to this one before the handler sees it.
 */
export const currentEvents = byType(
  OrderPlacedV1,
  OrderCancelledV2,
  OrderConfirmedV1,
  InventoryReservedV1,
  InventoryRejectedV1,
  InventoryReleasedV1,
  PaymentAuthorizedV1,
  PaymentDeclinedV1,
  PaymentVoidedV1,
)

/** An event type consumers can take. */
export type CurrentEventType = keyof typeof currentEvents

/** The last of a non-empty list of versions. */
type Last<T> = T extends readonly [...unknown[], infer L] ? L : never

/** The definitions a consumer's handler reads: each declared type at its newest declared version. */
type ConsumedEvents<TEvents extends Readonly<Record<string, EventVersions>>> = {
  readonly [T in keyof TEvents]: CatalogueDefinition<T, Last<TEvents[T]>>
}

/**
 * The definitions a consumer's handler reads, keyed by type: each type at the newest version
 * the consumer declares (what a consumer's `events` option takes), so that a consumer
 * declared in contracts/consumers.ts gets its schemas from the catalogue. Throws when the
 * catalogue lacks a declared version, or when an older declared version cannot be upcast to
 * the newest (the consumer would dead-letter what its subscription selects).
 */
export function consumedEvents<const TEvents extends Readonly<Record<string, EventVersions>>>(
  events: TEvents,
): ConsumedEvents<TEvents> {
  const problems: string[] = []
  const entries = Object.entries(events).flatMap(([type, versions]) => {
    const version = readVersion(versions)
    const definition = findEvent(type, version)
    if (!definition) {
      const known = catalogue.filter((d) => d.type === type).map((d) => `v${d.version}`)
      problems.push(
        `${type} v${version} is not in the catalogue (${known.length > 0 ? `it has ${known.join(', ')}` : 'no version of that type'})`,
      )
      return []
    }
    for (const older of versions) {
      const problem = unreachableVersion(definition, older)
      if (problem) problems.push(problem)
    }
    return [[type, definition] as const]
  })
  if (problems.length > 0) {
    throw new CatalogueError(`the consumed events do not fit the catalogue: ${problems.join('; ')}`)
  }
  return Object.freeze(Object.fromEntries(entries)) as ConsumedEvents<TEvents>
}
