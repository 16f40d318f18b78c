import type {
  EventOf,
  InventoryRejectedV1,
  InventoryReleasedV1,
  InventoryReservedV1,
  OrderCancelledV2,
  OrderPlacedV1,
} from '../catalogue/index.ts'

export type StockReserved = EventOf<typeof InventoryReservedV1>
export type StockRejected = EventOf<typeof InventoryRejectedV1>
export type StockReleased = EventOf<typeof InventoryReleasedV1>

/**
 * The events of an order's reservation stream: inventory's own decisions, and the order
 * events it reacted to, recorded there so that a cancellation that came first is remembered
 * when the order arrives.
 */
export type InventoryStreamEvent =
  | EventOf<typeof OrderPlacedV1>
  | EventOf<typeof OrderCancelledV2>
  | StockReserved
  | StockRejected
  | StockReleased

/** The id of an order's reservation stream in the event store: `inventory-<orderId>`. */
export const inventoryStreamId = (orderId: string) => `inventory-${orderId}`
