import type {
  EventOf,
  OrderCancelledV2,
  OrderPlacedV1,
  PaymentAuthorizedV1,
  PaymentDeclinedV1,
  PaymentVoidedV1,
} from '../catalogue/index.ts'

export type PaymentAuthorized = EventOf<typeof PaymentAuthorizedV1>
export type PaymentDeclined = EventOf<typeof PaymentDeclinedV1>
export type PaymentVoided = EventOf<typeof PaymentVoidedV1>

/**
 * The events of an order's payment stream: payments' own decisions, and the order events
 * it reacted to, recorded there (the order's total to check an amount against, and a
 * cancellation that may come first).
 */
export type PaymentStreamEvent =
  | EventOf<typeof OrderPlacedV1>
  | EventOf<typeof OrderCancelledV2>
  | PaymentAuthorized
  | PaymentDeclined
  | PaymentVoided

/** The event stream of an order's payment in the event store: `payment-<orderId>`. */
export const paymentStreamId = (orderId: string) => `payment-${orderId}`
