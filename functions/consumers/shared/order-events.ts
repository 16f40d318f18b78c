import type { EventOf, OrderCancelledV1, OrderPlacedV1 } from '../../catalogue/index.ts'

/** The order events the demo consumers' domain code takes, as the catalogue defines them. */
export type OrderPlaced = EventOf<typeof OrderPlacedV1>
export type OrderCancelled = EventOf<typeof OrderCancelledV1>
export type OrderEvent = OrderPlaced | OrderCancelled
