import * as z from 'zod'
import { defineEvent } from './define-event.ts'
import { money, orderId } from './payload-fields.ts'

/**
 * `order.confirmed` v1: the order saga confirmed an order, its stock reserved and its
 * payment authorized.
 */
export const OrderConfirmedV1 = defineEvent({
  type: 'order.confirmed',
  version: 1,
  payload: z.object({
    orderId,
    customerId: z.string().min(1).max(64),
    total: money,
    paymentId: z.string().min(1).max(128),
  }),
})
