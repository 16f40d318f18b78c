import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb'
import { ORDER_TABLE_SCHEMAS } from '../../../contracts/order-tables.ts'
import type { OrderConfirmed } from '../../orders/index.ts'
import type { OrderEvent } from '../shared/order-events.ts'

const keys = ORDER_TABLE_SCHEMAS.notifications

/** The order events a customer hears about. */
type NotifiedEvent = OrderEvent | OrderConfirmed

export interface NotificationDeps {
  readonly client: DynamoDBDocumentClient
  readonly table: string
  /** The time of processing, ISO 8601. */
  readonly now: string
}

/** A notification as the notifications table stores it. */
type Notification = {
  /** `order#<orderId>`: all notifications of an order in one partition. */
  readonly [key in typeof keys.partitionKey]: string
} & {
  /** `<event timestamp>#<eventId>`: in event order, one per event. */
  readonly [key in typeof keys.sortKey]: string
} & {
  readonly orderId: string
  readonly eventId: string
  readonly eventType: string
  readonly channel: 'email'
  readonly recipient?: string
  readonly subject: string
  readonly body: string
  readonly createdAt: string
}

/** What to tell the customer about an order event. */
function notificationFor(event: NotifiedEvent, now: string): Notification {
  const { orderId } = event.payload
  let message: { recipient?: string; subject: string; body: string }
  switch (event.eventType) {
    case 'order.placed': {
      const count = event.payload.items.reduce((sum, item) => sum + item.quantity, 0)
      message = {
        recipient: `customer:${event.payload.customerId}`,
        subject: `Order ${orderId} received`,
        body: `We received your order ${orderId}: ${count} item(s), total ${event.payload.total.toFixed(2)}.`,
      }
      break
    }
    case 'order.confirmed':
      message = {
        recipient: `customer:${event.payload.customerId}`,
        subject: `Order ${orderId} confirmed`,
        body: `Your order ${orderId} is confirmed: the items are set aside and ${event.payload.total.toFixed(2)} is authorized.`,
      }
      break
    case 'order.cancelled':
      message = {
        subject: `Order ${orderId} cancelled`,
        body: `Your order ${orderId} was cancelled. Reason: ${event.payload.reason}`,
      }
      break
    default: {
      const unhandled: never = event
      throw new Error(`no notification for ${(unhandled as NotifiedEvent).eventType}`)
    }
  }
  return {
    [keys.partitionKey]: `order#${orderId}`,
    [keys.sortKey]: `${event.timestamp}#${event.eventId}`,
    orderId,
    eventId: event.eventId,
    eventType: event.eventType,
    channel: 'email',
    ...message,
    createdAt: now,
  }
}

/**
 * Records the notification for an order event, once per event (a conditional put on its
 * key), so a redelivered event does not notify twice.
 */
export async function recordNotification(
  event: NotifiedEvent,
  deps: NotificationDeps,
): Promise<{ outcome: 'recorded' | 'duplicate' }> {
  try {
    await deps.client.send(
      new PutCommand({
        TableName: deps.table,
        Item: notificationFor(event, deps.now),
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': keys.partitionKey },
      }),
    )
    return { outcome: 'recorded' }
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return { outcome: 'duplicate' }
    throw error
  }
}
