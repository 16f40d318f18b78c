import * as z from 'zod/mini'
import { defineEvent } from './define-event.ts'
import { money, orderId } from './payload-fields.ts'

/** `payment.voided` v1: a cancelled order's authorization was voided; nothing is charged. */
export const PaymentVoidedV1 = defineEvent({
  type: 'payment.voided',
  version: 1,
  payload: z.object({
    orderId,
    paymentId: z.string().check(z.minLength(1), z.maxLength(128)),
    amount: money,
    reason: z.string().check(z.minLength(1), z.maxLength(500)),
  }),
})
