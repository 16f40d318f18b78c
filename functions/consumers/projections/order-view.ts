import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { OrderEvent } from '../shared/order-events.ts'

export interface ProjectionDeps {
  readonly client: DynamoDBDocumentClient
  readonly table: string
  /** The time of processing, ISO 8601. */
  readonly now: string
}

/**
 * Upserts the order read model (`orderId` key; `customerId` + `placedAt` feed the
 * `byCustomer` index) from an order event. Every update is idempotent, and the model
 * converges whatever order the events arrive in: `order.placed` sets the order's facts and
 * only sets `status` to `placed` if no later status is there, so a cancellation that
 * arrived first stays; `order.cancelled` sets `status` to `cancelled`.
 */
export async function projectOrder(
  event: OrderEvent,
  deps: ProjectionDeps,
): Promise<{ outcome: 'projected'; status: 'placed' | 'cancelled' }> {
  const common = {
    TableName: deps.table,
    Key: { orderId: event.payload.orderId },
  }
  if (event.eventType === 'order.placed') {
    const { customerId, items, total } = event.payload
    await deps.client.send(
      new UpdateCommand({
        ...common,
        UpdateExpression:
          'SET customerId = :customerId, placedAt = :placedAt, #items = :items, itemCount = :itemCount, #total = :total, #status = if_not_exists(#status, :placed), placedEventId = :eventId, updatedAt = :now',
        ExpressionAttributeNames: { '#status': 'status', '#total': 'total', '#items': 'items' },
        ExpressionAttributeValues: {
          ':customerId': customerId,
          ':placedAt': event.timestamp,
          ':items': items,
          ':itemCount': items.reduce((sum, item) => sum + item.quantity, 0),
          ':total': total,
          ':placed': 'placed',
          ':eventId': event.eventId,
          ':now': deps.now,
        },
      }),
    )
    return { outcome: 'projected', status: 'placed' }
  }
  if (event.eventType === 'order.cancelled') {
    const { reason } = event.payload
    await deps.client.send(
      new UpdateCommand({
        ...common,
        UpdateExpression:
          'SET #status = :cancelled, cancelledAt = :at, cancelReason = :reason, cancelledEventId = :eventId, updatedAt = :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':cancelled': 'cancelled',
          ':at': event.timestamp,
          ':reason': reason,
          ':eventId': event.eventId,
          ':now': deps.now,
        },
      }),
    )
    return { outcome: 'projected', status: 'cancelled' }
  }
  const unhandled: never = event
  throw new Error(`no projection for ${(unhandled as OrderEvent).eventType}`)
}
