import { reactionMetadata } from '../event-store/reaction.ts'
import type { OrderCancelled, OrderPlaced } from '../orders/order-events.ts'
import type { PaymentCommand, ProviderAnswer } from './payment-commands.ts'

/** The id of an order's payment: one per order, so a retried authorization is the same one. */
const paymentIdOf = (orderId: string) => `pay-${orderId}`

/**
 * What payments does about an order event: authorize a placed order's total (with the card
 * provider's answer), void a cancelled order's authorization.
 */
export function paymentCommandFor(
  trigger: OrderPlaced | OrderCancelled,
  provider: (customerId: string, amount: number) => ProviderAnswer,
  now: Date,
): PaymentCommand {
  const metadata = reactionMetadata(trigger, 'payments', now)
  const { orderId } = trigger.payload
  if (trigger.eventType === 'order.placed') {
    const { customerId, total } = trigger.payload
    return {
      type: 'AuthorizePayment',
      data: {
        orderId,
        paymentId: paymentIdOf(orderId),
        amount: total,
        provider: provider(customerId, total),
      },
      metadata,
    }
  }
  return { type: 'VoidPayment', data: { orderId, reason: trigger.payload.reason }, metadata }
}
