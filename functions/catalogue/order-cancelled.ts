import { z } from 'zod'
import { defineEvent } from './define-event.ts'
import { orderId } from './payload-fields.ts'

const reason = z.string().min(1).max(500)

/** `order.cancelled` v1: an order was cancelled before it shipped. Superseded by v2. */
export const OrderCancelledV1 = defineEvent({
  type: 'order.cancelled',
  version: 1,
  payload: z.object({ orderId, reason }),
})

/**
 * `order.cancelled` v2: an order was cancelled, by its customer or by the order saga (a
 * reservation rejected or a payment declined), with the reason. v1 events were all the
 * customer's: {@link upcastOrderCancelledV1} reads them as v2.
 */
export const OrderCancelledV2 = defineEvent({
  type: 'order.cancelled',
  version: 2,
  payload: z.object({
    orderId,
    reason,
    // A producer that does not say is a customer's shop front.
    cancelledBy: z.enum(['customer', 'saga']).default('customer'),
  }),
})

/** A v1 cancellation as v2: before the saga, only customers cancelled orders. */
export function upcastOrderCancelledV1(
  payload: z.output<typeof OrderCancelledV1.payload>,
): z.output<typeof OrderCancelledV2.payload> {
  return { ...payload, cancelledBy: 'customer' }
}
