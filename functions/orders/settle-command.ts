import type { EventEnvelope } from '../catalogue/envelope.ts'
import { reactionMetadata } from '../event-store/reaction.ts'
import type { SettleOrder } from './order-commands.ts'

/** The saga's step after an order learns a fact (whatever it is): settle the order. */
export function settleCommandFor(
  trigger: EventEnvelope<string, number, { readonly orderId: string }>,
  now: Date,
): SettleOrder {
  return {
    type: 'SettleOrder',
    data: { orderId: trigger.payload.orderId },
    metadata: reactionMetadata(trigger, 'orders', now),
  }
}
