import * as z from 'zod/mini'
import { defineEvent } from './define-event.ts'
import { orderId } from './payload-fields.ts'

/**
 * `inventory.rejected` v1: inventory could not reserve an order's stock; nothing was set
 * aside. `shortSkus` names each SKU short, with what was asked and what was available.
 */
export const InventoryRejectedV1 = defineEvent({
  type: 'inventory.rejected',
  version: 1,
  payload: z.object({
    orderId,
    shortSkus: z
      .array(
        z.object({
          sku: z.string().check(z.minLength(1), z.maxLength(64)),
          requested: z.int().check(z.positive()),
          available: z.int().check(z.nonnegative()),
        }),
      )
      .check(z.minLength(1), z.maxLength(100)),
  }),
})
