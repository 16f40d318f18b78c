import * as z from 'zod/mini'
import { defineEvent } from './define-event.ts'
import { orderId, stockLine } from './payload-fields.ts'

/** `inventory.reserved` v1: inventory set an order's stock aside, every line of it. */
export const InventoryReservedV1 = defineEvent({
  type: 'inventory.reserved',
  version: 1,
  payload: z.object({ orderId, lines: z.array(stockLine).check(z.minLength(1), z.maxLength(100)) }),
})
