import * as z from 'zod/mini'
import { defineEvent } from './define-event.ts'
import { money, orderId } from './payload-fields.ts'

/** `payment.authorized` v1: payments authorized an order's total. */
export const PaymentAuthorizedV1 = defineEvent({
  type: 'payment.authorized',
  version: 1,
  payload: z.object({
    orderId,
    paymentId: z.string().check(z.minLength(1), z.maxLength(128)),
    customerId: z.string().check(z.minLength(1), z.maxLength(64)),
    amount: money,
  }),
})
