import * as z from 'zod'
import { defineEvent } from './define-event.ts'
import { money, orderId } from './payload-fields.ts'

/** `payment.authorized` v1: payments authorized an order's total. */
export const PaymentAuthorizedV1 = defineEvent({
  type: 'payment.authorized',
  version: 1,
  payload: z.object({
    orderId,
    paymentId: z.string().min(1).max(128),
    customerId: z.string().min(1).max(64),
    amount: money,
  }),
})
