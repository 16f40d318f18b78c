import type {
  EventOf,
  InventoryRejectedV1,
  InventoryReservedV1,
  OrderCancelledV2,
  OrderConfirmedV1,
  OrderPlacedV1,
  PaymentAuthorizedV1,
  PaymentDeclinedV1,
} from '../catalogue/index.ts'

export type OrderPlaced = EventOf<typeof OrderPlacedV1>
export type OrderCancelled = EventOf<typeof OrderCancelledV2>
export type OrderConfirmed = EventOf<typeof OrderConfirmedV1>

/**
 * The events of an order's stream: the order's own (placed by its customer, confirmed or
 * cancelled), and the other services' answers that the order saga records there
 * (reservation or rejection, authorization or decline), so the order's state holds every
 * fact it decides on.
 */
export type OrderStreamEvent =
  | OrderPlaced
  | OrderCancelled
  | OrderConfirmed
  | EventOf<typeof InventoryReservedV1>
  | EventOf<typeof InventoryRejectedV1>
  | EventOf<typeof PaymentAuthorizedV1>
  | EventOf<typeof PaymentDeclinedV1>

/** The prefix of every order stream's id. */
export const ORDER_STREAM_PREFIX = 'order-'

/** The id of an order's stream in the event store: `order-<orderId>`. */
export const orderStreamId = (orderId: string) => `${ORDER_STREAM_PREFIX}${orderId}`
