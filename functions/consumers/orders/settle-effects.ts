import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { type AppendWrite, EventStore } from '../../event-store/index.ts'
import { prepareReaction } from '../../event-store/reaction.ts'
import {
  type OrderStatus,
  type OrderStreamEvent,
  orderDecider,
  orderStreamId,
} from '../../orders/index.ts'
import { settleCommandFor } from '../../orders/settle-command.ts'

export interface SettleDeps {
  readonly client: DynamoDBDocumentClient
  readonly eventsTable: string
  readonly now: Date
}

export interface SettleEffects {
  readonly outcome: OrderStatus | 'duplicate'
  readonly decided: readonly string[]
  /** For one transaction with the idempotency record; empty for a duplicate. */
  readonly writes: AppendWrite[]
}

/**
 * The order saga's step about a fact (the order placed or cancelled by its customer, the
 * stock reserved or rejected, the payment authorized or declined): the fact recorded in the
 * order's stream and the order settled, confirmed or cancelled when the facts say so.
 */
export async function settleEffects(
  event: OrderStreamEvent,
  deps: SettleDeps,
): Promise<SettleEffects> {
  const reaction = await prepareReaction(
    new EventStore({ client: deps.client, eventsTable: deps.eventsTable }),
    orderDecider,
    orderStreamId(event.payload.orderId),
    event,
    settleCommandFor(event, deps.now),
  )
  if (reaction.duplicate) return { outcome: 'duplicate', decided: [], writes: [] }
  return {
    outcome: reaction.state.status,
    decided: reaction.decided.map((e) => e.eventType),
    writes: reaction.writes,
  }
}
