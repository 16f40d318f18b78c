import { reactionMetadata } from '../event-store/reaction.ts'
import type { OrderCancelled, OrderPlaced } from '../orders/order-events.ts'
import type { StockCommand } from './stock-commands.ts'

/** What inventory does about an order event: reserve a placed order, release a cancelled one. */
export function stockCommandFor(
  trigger: OrderPlaced | OrderCancelled,
  available: Readonly<Record<string, number>>,
  now: Date,
): StockCommand {
  const metadata = reactionMetadata(trigger, 'inventory', now)
  const { orderId } = trigger.payload
  if (trigger.eventType === 'order.placed') {
    const lines = trigger.payload.items.map(({ sku, quantity }) => ({ sku, quantity }))
    return { type: 'ReserveStock', data: { orderId, lines, available }, metadata }
  }
  return { type: 'ReleaseStock', data: { orderId, reason: trigger.payload.reason }, metadata }
}
