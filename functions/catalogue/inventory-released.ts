import * as z from 'zod/mini'
import { defineEvent } from './define-event.ts'
import { orderId, stockLine } from './payload-fields.ts'

/** `inventory.released` v1: a cancelled order's reserved stock went back on the shelf. */
export const InventoryReleasedV1 = defineEvent({
  type: 'inventory.released',
  version: 1,
  payload: z.object({
    orderId,
    lines: z.array(stockLine).check(z.minLength(1), z.maxLength(100)),
    reason: z.string().check(z.minLength(1), z.maxLength(500)),
  }),
})
