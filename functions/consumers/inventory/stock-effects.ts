import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { type AppendWrite, EventStore } from '../../event-store/index.ts'
import { prepareReaction } from '../../event-store/reaction.ts'
import {
  type InventoryStreamEvent,
  inventoryDecider,
  inventoryStreamId,
  type ReservationStatus,
} from '../../inventory/index.ts'
import { stockCommandFor } from '../../inventory/stock-command-for.ts'
import { PermanentError } from '../../runtime/index.ts'
import { batchGetItems } from '../shared/dynamodb.ts'
import type { OrderEvent } from '../shared/order-events.ts'

/**
 * The inventory table holds two kinds of items under its `sku` key:
 * - stock items, `sku` = the SKU: `available` (N) units that can be reserved, `reserved` (N);
 * - reservation items, `sku` = `reservation#<orderId>`: the order's reservation as its stream
 *   makes it (`status` none, reserved, rejected or released; `lines`), for readers.
 * The order's reservation stream (`inventory-<orderId>`) in the event store is the truth.
 */
export const reservationKey = (orderId: string) => `reservation#${orderId}`

/**
 * A transaction takes 100 writes: the idempotency record, the append (a version check, the
 * recorded order, the decision), the reservation item, and a stock update per SKU.
 */
const MAX_SKUS_PER_RESERVATION = 95

export interface StockDeps {
  readonly client: DynamoDBDocumentClient
  readonly table: string
  readonly eventsTable: string
  readonly now: Date
}

export interface StockEffects {
  readonly outcome: ReservationStatus | 'duplicate'
  readonly decided: readonly string[]
  /** For one transaction with the idempotency record; empty for a duplicate. */
  readonly writes: AppendWrite[]
}

/**
 * What inventory does about an order event, as writes: the reservation stream's append (the
 * event recorded, the decision), the stock it takes or gives back, and the reservation item.
 * A reservation takes each line on the condition that it is still available (read just
 * before, consistently): when another order took it in between, the transaction is cancelled
 * and the record retried, and the retry decides on the stock left.
 */
export async function stockEffects(event: OrderEvent, deps: StockDeps): Promise<StockEffects> {
  const available = event.eventType === 'order.placed' ? await readStock(event, deps) : {}
  const { orderId } = event.payload
  const reaction = await prepareReaction(
    new EventStore({ client: deps.client, eventsTable: deps.eventsTable }),
    inventoryDecider,
    inventoryStreamId(orderId),
    event as InventoryStreamEvent,
    stockCommandFor(event, available, deps.now),
  )
  if (reaction.duplicate) return { outcome: 'duplicate', decided: [], writes: [] }
  const now = deps.now.toISOString()
  const stock: AppendWrite[] = reaction.decided.flatMap((decided) => {
    if (decided.eventType === 'inventory.reserved') {
      return decided.payload.lines.map(({ sku, quantity }) => ({
        Update: {
          TableName: deps.table,
          Key: { sku },
          UpdateExpression:
            'SET available = available - :q, reserved = if_not_exists(reserved, :zero) + :q, updatedAt = :now',
          ConditionExpression: 'available >= :q',
          ExpressionAttributeValues: { ':q': quantity, ':zero': 0, ':now': now },
        },
      }))
    }
    if (decided.eventType === 'inventory.released') {
      return decided.payload.lines.map(({ sku, quantity }) => ({
        Update: {
          TableName: deps.table,
          Key: { sku },
          UpdateExpression:
            'SET available = available + :q, reserved = reserved - :q, updatedAt = :now',
          ExpressionAttributeValues: { ':q': quantity, ':now': now },
        },
      }))
    }
    return []
  })
  const { state } = reaction
  const reservationItem: AppendWrite = {
    Put: {
      TableName: deps.table,
      Item: {
        sku: reservationKey(orderId),
        orderId,
        status: state.status,
        ...(state.reservation ? { lines: state.reservation.lines } : {}),
        ...(state.rejection ? { shortSkus: state.rejection.shortSkus } : {}),
        cancelled: state.cancellation !== undefined,
        updatedAt: now,
      },
    },
  }
  return {
    outcome: state.status,
    decided: reaction.decided.map((e) => e.eventType),
    writes: [...reaction.writes, ...stock, reservationItem],
  }
}

/** Units available of each SKU of a placed order, read consistently. */
async function readStock(
  event: OrderEvent & { eventType: 'order.placed' },
  deps: StockDeps,
): Promise<Record<string, number>> {
  const skus = [...new Set(event.payload.items.map((line) => line.sku))]
  if (skus.length > MAX_SKUS_PER_RESERVATION) {
    throw new PermanentError(
      `order ${event.payload.orderId} has ${skus.length} distinct SKUs; one reservation transaction takes at most ${MAX_SKUS_PER_RESERVATION}`,
    )
  }
  const items = await batchGetItems(deps.client, deps.table, 'sku', skus)
  return Object.fromEntries(skus.map((sku) => [sku, Number(items.get(sku)?.available ?? 0)]))
}
