import { randomUUID } from 'node:crypto'
import { createEvent, OrderCancelledV1, OrderPlacedV1 } from '../../../functions/catalogue/index.ts'

/** A valid order.placed event; `orderId` lets a test handler choose how to behave. */
export function orderPlaced(orderId: string, eventId: string = randomUUID()) {
  return createEvent(
    OrderPlacedV1,
    {
      orderId,
      customerId: 'c-1',
      items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 9.99 }],
      total: 19.98,
    },
    { source: 'orders', eventId, correlationId: `corr-${orderId}` },
  )
}

export function orderCancelled(orderId: string, eventId: string = randomUUID()) {
  return createEvent(
    OrderCancelledV1,
    { orderId, reason: 'customer request' },
    { source: 'orders', eventId },
  )
}

/** The SNS message attributes a raw-delivery subscription carries into SQS. */
export function attributesOf(event: { eventType: string; version: number }) {
  return { eventType: event.eventType, version: String(event.version) }
}
