import * as z from 'zod/mini'
import { defineEvent } from './define-event.ts'
import { cents, money, orderId } from './payload-fields.ts'

export const orderLine = z.object({
  sku: z.string().check(z.minLength(1), z.maxLength(64)),
  quantity: z.int().check(z.positive()),
  unitPrice: money,
})

/**
 * `order.placed` v1: a customer placed an order. `total` must equal the sum of
 * quantity × unitPrice over the lines (compared in cents, so 0.1 + 0.2 is 0.3).
 */
export const OrderPlacedV1 = defineEvent({
  type: 'order.placed',
  version: 1,
  payload: z
    .object({
      orderId,
      customerId: z.string().check(z.minLength(1), z.maxLength(64)),
      items: z.array(orderLine).check(z.minLength(1), z.maxLength(100)),
      total: money,
    })
    .check((ctx) => {
      const { items, total } = ctx.value
      const sum = items.reduce((acc, line) => acc + line.quantity * cents(line.unitPrice), 0)
      if (sum !== cents(total)) {
        ctx.issues.push({
          code: 'custom',
          input: total,
          path: ['total'],
          message: `total ${total} is not the sum of the lines (${(sum / 100).toFixed(2)})`,
        })
      }
    }),
})
