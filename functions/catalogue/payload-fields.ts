// The payload fields several events share, declared once.
import * as z from 'zod/mini'

/** An amount of money in the currency's major unit with at most two decimals, e.g. 19.99. */
export const money = z.number().check(z.nonnegative(), z.multipleOf(0.01))

/** An amount in cents, so sums of amounts compare exactly (0.1 + 0.2 is 0.3). */
export const cents = (amount: number) => Math.round(amount * 100)

/** One SKU and how many units of it: a line of a reservation or a release. */
export const stockLine = z.object({
  sku: z.string().check(z.minLength(1), z.maxLength(64)),
  quantity: z.int().check(z.positive()),
})

export const orderId = z.string().check(z.minLength(1), z.maxLength(64))
