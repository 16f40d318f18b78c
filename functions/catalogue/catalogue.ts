import type { EventDefinition } from './define-event.ts'
import { InventoryRejectedV1 } from './inventory-rejected.ts'
import { InventoryReleasedV1 } from './inventory-released.ts'
import { InventoryReservedV1 } from './inventory-reserved.ts'
import { OrderCancelledV1, OrderCancelledV2 } from './order-cancelled.ts'
import { OrderConfirmedV1 } from './order-confirmed.ts'
import { OrderPlacedV1 } from './order-placed.ts'
import { PaymentAuthorizedV1 } from './payment-authorized.ts'
import { PaymentDeclinedV1 } from './payment-declined.ts'
import { PaymentVoidedV1 } from './payment-voided.ts'

const definitions = [
  OrderPlacedV1,
  OrderCancelledV1,
  OrderCancelledV2,
  OrderConfirmedV1,
  InventoryReservedV1,
  InventoryRejectedV1,
  InventoryReleasedV1,
  PaymentAuthorizedV1,
  PaymentDeclinedV1,
  PaymentVoidedV1,
] as const

/** Every event the pipeline knows, at every version it knows. */
export const catalogue: readonly EventDefinition[] = definitions

/** The definition of a type at a version, as the catalogue types it (never when it lacks it). */
export type CatalogueDefinition<TType = string, TVersion = number> = Extract<
  (typeof definitions)[number],
  { readonly type: TType; readonly version: TVersion }
>

/** The definition of an event type at a version, or undefined. */
export function findEvent(
  eventType: string,
  version: number,
  definitions: readonly EventDefinition[] = catalogue,
): EventDefinition | undefined {
  return definitions.find((d) => d.type === eventType && d.version === version)
}

/** The newest version's definition of an event type, or undefined. */
export function latestEvent(
  eventType: string,
  definitions: readonly EventDefinition[] = catalogue,
): EventDefinition | undefined {
  let latest: EventDefinition | undefined
  for (const d of definitions) {
    if (d.type === eventType && (!latest || d.version > latest.version)) latest = d
  }
  return latest
}

/**
 * What is wrong with a set of definitions as a catalogue: a type and version defined twice,
 * an older version that the newest cannot be reached from by upcasting (its events would
 * reach readers at a version they do not expect), or an upcaster from a definition that is
 * not in the set (its events could not be appended or validated).
 */
export function catalogueProblems(definitions: readonly EventDefinition[] = catalogue): string[] {
  const problems: string[] = []
  const seen = new Set<string>()
  for (const d of definitions) {
    const name = `${d.type} v${d.version}`
    if (seen.has(name)) problems.push(`${name} is defined twice`)
    seen.add(name)
    const from = d.upcastFrom?.from
    if (from && !definitions.includes(from)) {
      problems.push(
        `${name} upcasts from ${from.type} v${from.version}, which is not in the catalogue`,
      )
    }
  }
  for (const d of new Set(definitions)) {
    const latest = latestEvent(d.type, definitions)!
    let reached: EventDefinition | undefined = latest
    while (reached && reached.version > d.version) reached = reached.upcastFrom?.from
    if (reached?.version !== d.version) {
      problems.push(
        `${d.type} v${d.version} has no upcast path to v${latest.version}: declare upcastFrom on each newer version`,
      )
    }
  }
  return problems
}
