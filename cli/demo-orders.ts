import { randomInt, randomUUID } from 'node:crypto'
import {
  createEvent,
  type EventEnvelope,
  OrderCancelledV2,
  OrderPlacedV1,
} from '../functions/catalogue/index.ts'

/** The SKUs demo orders buy; `pipeline dev` stocks them (demo-stock.ts). */
export const demoSkus = [
  'SKU-KETTLE',
  'SKU-MUG',
  'SKU-TEA-500G',
  'SKU-FILTER',
  'SKU-GRINDER',
  'SKU-SCALE',
] as const
const prices: Record<string, number> = {
  'SKU-KETTLE': 39.9,
  'SKU-MUG': 8.5,
  'SKU-TEA-500G': 12.25,
  'SKU-FILTER': 4.99,
  'SKU-GRINDER': 59,
  'SKU-SCALE': 24.75,
}

/** Source of the demo events, so they can be told apart from real ones. */
const demoSource = 'pipeline-demo'

/**
 * The events of one demo order: an `order.placed` with one to three lines, and for about
 * one order in `cancelEvery` (0: none), an `order.cancelled` caused by it. Built and
 * validated by the catalogue.
 */
export function demoOrder(cancelEvery = 5): EventEnvelope[] {
  const orderId = `order-${randomUUID().slice(0, 8)}`
  const items = Array.from({ length: randomInt(1, 4) }, () => {
    const sku = demoSkus[randomInt(demoSkus.length)] as string
    return { sku, quantity: randomInt(1, 4), unitPrice: prices[sku] as number }
  })
  const cents = items.reduce(
    (sum, line) => sum + line.quantity * Math.round(line.unitPrice * 100),
    0,
  )
  const placed = createEvent(
    OrderPlacedV1,
    { orderId, customerId: `customer-${randomInt(1, 50)}`, items, total: cents / 100 },
    { source: demoSource },
  )
  if (cancelEvery === 0 || randomInt(cancelEvery) !== 0) return [placed]
  const cancelled = createEvent(
    OrderCancelledV2,
    { orderId, reason: 'customer changed their mind', cancelledBy: 'customer' },
    { source: demoSource, correlationId: placed.correlationId, causationId: placed.eventId },
  )
  return [placed, cancelled]
}
