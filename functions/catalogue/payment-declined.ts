import * as z from 'zod/mini'
import { defineEvent } from './define-event.ts'
import { money, orderId } from './payload-fields.ts'

/** `payment.declined` v1: the order's payment was refused; nothing is held on the card. */
export const PaymentDeclinedV1 = defineEvent({
  type: 'payment.declined',
  version: 1,
  payload: z.object({
    orderId,
    customerId: z.string().check(z.minLength(1), z.maxLength(64)),
    amount: money,
    reason: z.string().check(z.minLength(1), z.maxLength(500)),
  }),
})
