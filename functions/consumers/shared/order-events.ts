import type { OrderCancelled, OrderPlaced } from '../../orders/index.ts'

/** The order events the demo consumers' domain code takes, as the catalogue defines them. */
export type { OrderPlaced }
export type OrderEvent = OrderPlaced | OrderCancelled
