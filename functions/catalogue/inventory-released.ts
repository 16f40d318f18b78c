import * as z from 'zod'
import { defineEvent } from './define-event.ts'
import { orderId, stockLine } from './payload-fields.ts'

/** `inventory.released` v1: a cancelled order's reserved stock went back on the shelf. */
export const InventoryReleasedV1 = defineEvent({
  type: 'inventory.released',
  version: 1,
  payload: z.object({
    orderId,
    lines: z.array(stockLine).min(1).max(100),
    reason: z.string().min(1).max(500),
  }),
})
