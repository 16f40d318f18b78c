import { z } from 'zod'
import { defineEvent } from './define-event.ts'

/** `payment.authorized` v1: the payments consumer authorized an order's total. */
export const PaymentAuthorizedV1 = defineEvent({
  type: 'payment.authorized',
  version: 1,
  payload: z.object({
    orderId: z.string().min(1).max(64),
    paymentId: z.string().min(1).max(128),
    customerId: z.string().min(1).max(64),
    amount: z.number().nonnegative().multipleOf(0.01),
  }),
})
