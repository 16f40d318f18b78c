import type {
  EventOf,
  OrderCancelledV1,
  OrderPlacedV1,
  PaymentAuthorizedV1,
} from '../catalogue/index.ts'

/** The events of an order's stream, as the catalogue defines them. */
export type OrderStreamEvent =
  | EventOf<typeof OrderPlacedV1>
  | EventOf<typeof OrderCancelledV1>
  | EventOf<typeof PaymentAuthorizedV1>

/** The prefix of every order stream's id. */
export const ORDER_STREAM_PREFIX = 'order-'

/** The id of an order's stream in the event store: `order-<orderId>`. */
export const orderStreamId = (orderId: string) => `${ORDER_STREAM_PREFIX}${orderId}`
