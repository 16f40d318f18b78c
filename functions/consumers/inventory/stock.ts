import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb'
import { failedConditions } from '../shared/dynamodb.ts'
import type { OrderCancelled, OrderPlaced } from '../shared/order-events.ts'

/**
 * The inventory table holds two kinds of items under its `sku` key:
 * - stock items, `sku` = the SKU: `available` (N) units that can be reserved, `reserved` (N);
 * - reservation items, `sku` = `reservation#<orderId>`: what one order holds, with `status`
 *   `reserved`, `rejected` (not enough stock), `released` (cancelled after reserving) or
 *   `cancelled` (cancelled before it was placed here).
 * A reservation item is written once per order (a conditional put), so a redelivered event
 * never reserves twice.
 */
const reservationKey = (orderId: string) => `reservation#${orderId}`

/** DynamoDB allows 100 actions in one transaction: the reservation item plus 99 SKUs. */
const MAX_SKUS_PER_RESERVATION = 99

export interface StockDeps {
  readonly client: DynamoDBDocumentClient
  readonly table: string
  /** The time of processing, ISO 8601. */
  readonly now: string
}

export type ReservationOutcome =
  | { readonly outcome: 'reserved'; readonly lines: Record<string, number> }
  | { readonly outcome: 'rejected'; readonly shortSkus: readonly string[] }
  | { readonly outcome: 'duplicate' }

export type ReleaseOutcome = { readonly outcome: 'released' | 'nothing-reserved' | 'duplicate' }

/** Quantities per SKU, with repeated SKUs summed. */
function quantitiesBySku(event: OrderPlaced): Record<string, number> {
  const lines: Record<string, number> = {}
  for (const item of event.payload.items) lines[item.sku] = (lines[item.sku] ?? 0) + item.quantity
  return lines
}

/**
 * Reserves the order's stock, all lines or none: one transaction that writes the reservation
 * item (if the order has none yet) and takes each line's quantity from `available` on the
 * condition that enough is available. When a SKU is short (or unknown), the order is
 * recorded as rejected with the short SKUs, and nothing is taken.
 */
export async function reserveStock(
  event: OrderPlaced,
  deps: StockDeps,
): Promise<ReservationOutcome> {
  const lines = quantitiesBySku(event)
  const skus = Object.keys(lines)
  const key = reservationKey(event.payload.orderId)
  if (skus.length > MAX_SKUS_PER_RESERVATION) {
    return reject(event, deps, skus, `more than ${MAX_SKUS_PER_RESERVATION} distinct SKUs`)
  }
  try {
    await deps.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: deps.table,
              Item: {
                sku: key,
                orderId: event.payload.orderId,
                status: 'reserved',
                lines,
                eventId: event.eventId,
                updatedAt: deps.now,
              },
              ConditionExpression: 'attribute_not_exists(sku)',
            },
          },
          ...skus.map((sku) => ({
            Update: {
              TableName: deps.table,
              Key: { sku },
              UpdateExpression:
                'SET available = available - :q, reserved = if_not_exists(reserved, :zero) + :q, updatedAt = :now',
              ConditionExpression: 'available >= :q',
              ExpressionAttributeValues: { ':q': lines[sku], ':zero': 0, ':now': deps.now },
            },
          })),
        ],
      }),
    )
    return { outcome: 'reserved', lines }
  } catch (error) {
    const failed = failedConditions(error)
    if (failed === undefined || failed.length === 0) throw error
    if (failed.includes(0)) return { outcome: 'duplicate' }
    const shortSkus = failed.map((index) => skus[index - 1]!)
    return reject(event, deps, shortSkus, 'not enough stock')
  }
}

async function reject(
  event: OrderPlaced,
  deps: StockDeps,
  shortSkus: readonly string[],
  reason: string,
): Promise<ReservationOutcome> {
  try {
    await deps.client.send(
      new PutCommand({
        TableName: deps.table,
        Item: {
          sku: reservationKey(event.payload.orderId),
          orderId: event.payload.orderId,
          status: 'rejected',
          reason,
          shortSkus,
          eventId: event.eventId,
          updatedAt: deps.now,
        },
        ConditionExpression: 'attribute_not_exists(sku)',
      }),
    )
    return { outcome: 'rejected', shortSkus }
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return { outcome: 'duplicate' }
    throw error
  }
}

/**
 * Gives a cancelled order's reserved stock back, once: the reservation moves from `reserved`
 * to `released` in the same transaction that returns each line to `available`. An order
 * cancelled before its `order.placed` arrived gets a `cancelled` reservation item, so the
 * late `order.placed` reserves nothing.
 */
export async function releaseStock(
  event: OrderCancelled,
  deps: StockDeps,
): Promise<ReleaseOutcome> {
  const key = reservationKey(event.payload.orderId)
  const { Item: reservation } = await deps.client.send(
    new GetCommand({ TableName: deps.table, Key: { sku: key }, ConsistentRead: true }),
  )
  if (!reservation) {
    await deps.client.send(
      new PutCommand({
        TableName: deps.table,
        Item: {
          sku: key,
          orderId: event.payload.orderId,
          status: 'cancelled',
          eventId: event.eventId,
          updatedAt: deps.now,
        },
        // If order.placed reserved in the meantime, this fails and the record is retried.
        ConditionExpression: 'attribute_not_exists(sku)',
      }),
    )
    return { outcome: 'nothing-reserved' }
  }
  if (reservation.status !== 'reserved') {
    return { outcome: reservation.status === 'released' ? 'duplicate' : 'nothing-reserved' }
  }
  const lines = reservation.lines as Record<string, number>
  try {
    await deps.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: deps.table,
              Key: { sku: key },
              UpdateExpression: 'SET #status = :released, updatedAt = :now, releasedBy = :eventId',
              ConditionExpression: '#status = :reserved',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':released': 'released',
                ':reserved': 'reserved',
                ':now': deps.now,
                ':eventId': event.eventId,
              },
            },
          },
          ...Object.entries(lines).map(([sku, quantity]) => ({
            Update: {
              TableName: deps.table,
              Key: { sku },
              UpdateExpression:
                'SET available = available + :q, reserved = reserved - :q, updatedAt = :now',
              ExpressionAttributeValues: { ':q': quantity, ':now': deps.now },
            },
          })),
        ],
      }),
    )
    return { outcome: 'released' }
  } catch (error) {
    if (failedConditions(error)?.includes(0)) return { outcome: 'duplicate' }
    throw error
  }
}
