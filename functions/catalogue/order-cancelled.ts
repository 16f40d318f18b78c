import { z } from 'zod'
import { defineEvent } from './define-event.ts'

/** `order.cancelled` v1: an order was cancelled before it shipped. */
export const OrderCancelledV1 = defineEvent({
  type: 'order.cancelled',
  version: 1,
  payload: z.object({
    orderId: z.string().min(1).max(64),
    reason: z.string().min(1).max(500),
  }),
})
