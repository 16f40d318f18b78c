import * as z from 'zod/mini'
import { defineEvent } from './define-event.ts'
import { orderId } from './payload-fields.ts'

const reason = z.string().check(z.minLength(1), z.maxLength(500))

/** `order.cancelled` v1: an order was cancelled before it shipped. Superseded by v2. */
export const OrderCancelledV1 = defineEvent({
  type: 'order.cancelled',
  version: 1,
  payload: z.object({ orderId, reason }),
})

/**
 * `order.cancelled` v2: an order was cancelled, by its customer or by the order saga (a
 * reservation rejected or a payment declined), with the reason. Before the saga only
 * customers cancelled orders, so a v1 event reads as the customer's.
 */
export const OrderCancelledV2 = defineEvent({
  type: 'order.cancelled',
  version: 2,
  payload: z.object({
    orderId,
    reason,
    // A producer that does not say is a customer's shop front.
    cancelledBy: z._default(z.enum(['customer', 'saga']), 'customer'),
  }),
  upcastFrom: {
    from: OrderCancelledV1,
    upcast: (v1) => ({ ...v1.payload, cancelledBy: 'customer' as const }),
  },
})
