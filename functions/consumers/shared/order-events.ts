import { z } from 'zod'

/**
 * The event envelope and the order payloads the demo consumers read. They mirror the event
 * catalogue's v1 schemas; when the consumers move onto the consumer runtime, the catalogue's
 * definitions replace these.
 */
export const envelopeSchema = z.object({
  eventId: z.string().min(1).max(128),
  eventType: z.string().min(1),
  version: z.int().positive(),
  timestamp: z.iso.datetime({ offset: true }),
  source: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).optional(),
  payload: z.unknown(),
})

export type Envelope = z.infer<typeof envelopeSchema>

export const orderPlacedPayload = z.object({
  orderId: z.string().min(1).max(64),
  customerId: z.string().min(1).max(64),
  items: z
    .array(
      z.object({
        sku: z.string().min(1).max(64),
        quantity: z.int().positive(),
        unitPrice: z.number().nonnegative(),
      }),
    )
    .min(1)
    .max(100),
  total: z.number().nonnegative(),
})

export const orderCancelledPayload = z.object({
  orderId: z.string().min(1).max(64),
  reason: z.string().min(1).max(500),
})

/** Any `order.*` event carries at least the order id. */
export const orderEventPayload = z.looseObject({ orderId: z.string().min(1).max(64) })

export type OrderPlaced = Envelope & {
  eventType: 'order.placed'
  payload: z.infer<typeof orderPlacedPayload>
}
export type OrderCancelled = Envelope & {
  eventType: 'order.cancelled'
  payload: z.infer<typeof orderCancelledPayload>
}
export type OrderEvent = Envelope & { payload: z.infer<typeof orderEventPayload> }

/** Validates an `order.placed` v1 envelope's payload; throws a ZodError naming the bad fields. */
export function asOrderPlaced(event: Envelope): OrderPlaced {
  return { ...event, eventType: 'order.placed', payload: orderPlacedPayload.parse(event.payload) }
}

/** Validates an `order.cancelled` v1 envelope's payload. */
export function asOrderCancelled(event: Envelope): OrderCancelled {
  return {
    ...event,
    eventType: 'order.cancelled',
    payload: orderCancelledPayload.parse(event.payload),
  }
}

/** Validates that an `order.*` envelope's payload names its order. */
export function asOrderEvent(event: Envelope): OrderEvent {
  return { ...event, payload: orderEventPayload.parse(event.payload) }
}
