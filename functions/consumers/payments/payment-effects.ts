import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { type AppendWrite, EventStore } from '../../event-store/index.ts'
import { prepareReaction } from '../../event-store/reaction.ts'
import {
  type PaymentStatus,
  type PaymentStreamEvent,
  paymentDecider,
  paymentStreamId,
} from '../../payments/index.ts'
import { paymentCommandFor } from '../../payments/payment-command-for.ts'
import type { OrderEvent } from '../shared/order-events.ts'
import { demoCardProvider } from './card-provider.ts'

export interface PaymentDeps {
  readonly client: DynamoDBDocumentClient
  /** The payments table: one item per order (`orderId`), its payment as its stream makes it. */
  readonly paymentsTable: string
  readonly eventsTable: string
  readonly now: Date
}

export interface PaymentEffects {
  readonly outcome: PaymentStatus | 'duplicate'
  readonly decided: readonly string[]
  /** For one transaction with the idempotency record; empty for a duplicate. */
  readonly writes: AppendWrite[]
}

/**
 * What payments does about an order event, as writes: the payment stream's append (the
 * event recorded, the decider's authorization, decline or void; the amount checked against
 * the order's total) and the order's payments item.
 */
export async function paymentEffects(
  event: OrderEvent,
  deps: PaymentDeps,
): Promise<PaymentEffects> {
  const { orderId } = event.payload
  const reaction = await prepareReaction(
    new EventStore({ client: deps.client, eventsTable: deps.eventsTable }),
    paymentDecider,
    paymentStreamId(orderId),
    event as PaymentStreamEvent,
    paymentCommandFor(event, demoCardProvider, deps.now),
  )
  if (reaction.duplicate) return { outcome: 'duplicate', decided: [], writes: [] }
  const { state } = reaction
  const payment = state.authorization ?? state.voiding
  const item: AppendWrite = {
    Put: {
      TableName: deps.paymentsTable,
      Item: {
        orderId,
        status: state.status,
        ...(state.order ? { customerId: state.order.customerId, total: state.order.total } : {}),
        ...(payment ? { paymentId: payment.paymentId, amount: payment.amount } : {}),
        ...(state.decline ? { declineReason: state.decline.reason } : {}),
        cancelled: state.cancellation !== undefined,
        updatedAt: deps.now.toISOString(),
      },
    },
  }
  return {
    outcome: state.status,
    decided: reaction.decided.map((e) => e.eventType),
    writes: [...reaction.writes, item],
  }
}
