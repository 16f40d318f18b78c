import type { EventDefinition } from './define-event.ts'
import { InventoryRejectedV1 } from './inventory-rejected.ts'
import { InventoryReleasedV1 } from './inventory-released.ts'
import { InventoryReservedV1 } from './inventory-reserved.ts'
import { OrderCancelledV2 } from './order-cancelled.ts'
import { OrderConfirmedV1 } from './order-confirmed.ts'
import { OrderPlacedV1 } from './order-placed.ts'
import { PaymentAuthorizedV1 } from './payment-authorized.ts'
import { PaymentDeclinedV1 } from './payment-declined.ts'
import { PaymentVoidedV1 } from './payment-voided.ts'

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

/** The current definitions of some event types, keyed by type. */
type CurrentEvents<TTypes extends readonly CurrentEventType[]> = {
  readonly [T in TTypes[number]]: (typeof currentEvents)[T]
}

/**
 * The current definitions of some event types, keyed by type: what a consumer's `events`
 * option takes, so that a consumer declared in contracts/consumers.ts by its event types gets
 * their schemas from the catalogue.
 */
export function consumedEvents<const TTypes extends readonly CurrentEventType[]>(
  eventTypes: TTypes,
): CurrentEvents<TTypes> {
  return Object.freeze(
    Object.fromEntries(eventTypes.map((type) => [type, currentEvents[type]])),
  ) as CurrentEvents<TTypes>
}
