import * as z from 'zod/mini'
import { defineEvent, OrderPlacedV1, orderLine } from '../../functions/catalogue/index.ts'

/**
 * `order.placed` v2, the README's worked example ("Evolving an event"): the order says its
 * currency. Before v2 every order was in euros, so a v1 reads as EUR.
 */
export const OrderPlacedV2 = defineEvent({
  type: 'order.placed',
  version: 2,
  payload: z.object({
    orderId: z.string().check(z.minLength(1), z.maxLength(64)),
    customerId: z.string().check(z.minLength(1), z.maxLength(64)),
    items: z.array(orderLine).check(z.minLength(1), z.maxLength(100)),
    total: z.number().check(z.nonnegative(), z.multipleOf(0.01)),
    currency: z.enum(['EUR', 'USD', 'GBP']),
  }),
  upcastFrom: {
    from: OrderPlacedV1,
    upcast: (v1) => ({ ...v1.payload, currency: 'EUR' as const }),
  },
})
