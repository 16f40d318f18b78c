import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb'
import { type OrderEvent, orderPlacedPayload } from '../shared/order-events.ts'

export interface NotificationDeps {
  readonly client: DynamoDBDocumentClient
  readonly table: string
  /** The time of processing, ISO 8601. */
  readonly now: string
}

/** A notification as the notifications table stores it. */
export interface Notification {
  /** `order#<orderId>`: all notifications of an order in one partition. */
  readonly pk: string
  /** `<event timestamp>#<eventId>`: in event order, one per event. */
  readonly sk: string
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
export function notificationFor(event: OrderEvent, now: string): Notification {
  const { orderId } = event.payload
  const placed =
    event.eventType === 'order.placed' ? orderPlacedPayload.safeParse(event.payload) : undefined
  const customerId =
    typeof event.payload.customerId === 'string' ? event.payload.customerId : undefined
  let subject: string
  let body: string
  if (placed?.success) {
    const count = placed.data.items.reduce((sum, item) => sum + item.quantity, 0)
    subject = `Order ${orderId} received`
    body = `We received your order ${orderId}: ${count} item(s), total ${placed.data.total.toFixed(2)}.`
  } else if (event.eventType === 'order.cancelled') {
    const reason =
      typeof event.payload.reason === 'string' ? ` Reason: ${event.payload.reason}` : ''
    subject = `Order ${orderId} cancelled`
    body = `Your order ${orderId} was cancelled.${reason}`
  } else {
    const what = event.eventType.slice('order.'.length).replaceAll(/[._-]/g, ' ')
    subject = `Order ${orderId}: ${what}`
    body = `Your order ${orderId} is now ${what}.`
  }
  return {
    pk: `order#${orderId}`,
    sk: `${event.timestamp}#${event.eventId}`,
    orderId,
    eventId: event.eventId,
    eventType: event.eventType,
    channel: 'email',
    ...(customerId ? { recipient: `customer:${customerId}` } : {}),
    subject,
    body,
    createdAt: now,
  }
}

/**
 * Records the notification for an order event, once per event (a conditional put on its
 * key), so a redelivered event does not notify twice.
 */
export async function recordNotification(
  event: OrderEvent,
  deps: NotificationDeps,
): Promise<{ outcome: 'recorded' | 'duplicate' }> {
  try {
    await deps.client.send(
      new PutCommand({
        TableName: deps.table,
        Item: notificationFor(event, deps.now),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    )
    return { outcome: 'recorded' }
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return { outcome: 'duplicate' }
    throw error
  }
}
