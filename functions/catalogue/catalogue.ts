import type { EventDefinition } from './define-event.ts'
import { OrderCancelledV1 } from './order-cancelled.ts'
import { OrderPlacedV1 } from './order-placed.ts'
import { PaymentAuthorizedV1 } from './payment-authorized.ts'

/** Every event the pipeline knows, at every version it knows. */
export const catalogue: readonly EventDefinition[] = [
  OrderPlacedV1,
  OrderCancelledV1,
  PaymentAuthorizedV1,
]

/** The definition of an event type at a version, or undefined. */
export function findEvent(
  eventType: string,
  version: number,
  definitions: readonly EventDefinition[] = catalogue,
): EventDefinition | undefined {
  return definitions.find((d) => d.type === eventType && d.version === version)
}
