import * as z from 'zod/mini'
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
    customerId: z.string().check(z.minLength(1), z.maxLength(64)),
    total: money,
    paymentId: z.string().check(z.minLength(1), z.maxLength(128)),
  }),
})
