import {
  createEvent,
  InventoryRejectedV1,
  InventoryReleasedV1,
  InventoryReservedV1,
  OrderCancelledV2,
  OrderConfirmedV1,
  OrderPlacedV1,
  PaymentAuthorizedV1,
  PaymentDeclinedV1,
  PaymentVoidedV1,
} from '../../functions/catalogue/index.ts'

/**
 * One order's saga events, built and validated by the catalogue, for the deciders' tests:
 * order o-1 of customer c-1, 3 × A at 0.10 and 1 × B at 19.99 (total 20.29).
 */
const origin = (source: string, eventId: string, time: string, causationId?: string) => ({
  source,
  eventId,
  timestamp: new Date(`2026-05-01T${time}.000Z`),
  correlationId: 'corr-1',
  ...(causationId === undefined ? {} : { causationId }),
})

export const items = [
  { sku: 'A', quantity: 3, unitPrice: 0.1 },
  { sku: 'B', quantity: 1, unitPrice: 19.99 },
]
export const lines = [
  { sku: 'A', quantity: 3 },
  { sku: 'B', quantity: 1 },
]

export const placed = createEvent(
  OrderPlacedV1,
  { orderId: 'o-1', customerId: 'c-1', items, total: 20.29 },
  origin('shop', 'e-placed', '10:00:00'),
)
export const customerCancelled = createEvent(
  OrderCancelledV2,
  { orderId: 'o-1', reason: 'changed mind', cancelledBy: 'customer' },
  origin('shop', 'e-cancelled', '10:05:00', 'e-placed'),
)
export const reserved = createEvent(
  InventoryReservedV1,
  { orderId: 'o-1', lines },
  origin('inventory', 'e-reserved', '10:00:01', 'e-placed'),
)
export const rejected = createEvent(
  InventoryRejectedV1,
  { orderId: 'o-1', shortSkus: [{ sku: 'B', requested: 1, available: 0 }] },
  origin('inventory', 'e-rejected', '10:00:01', 'e-placed'),
)
export const authorized = createEvent(
  PaymentAuthorizedV1,
  { orderId: 'o-1', paymentId: 'pay-1', customerId: 'c-1', amount: 20.29 },
  origin('payments', 'e-authorized', '10:00:02', 'e-placed'),
)
export const declined = createEvent(
  PaymentDeclinedV1,
  { orderId: 'o-1', customerId: 'c-1', amount: 20.29, reason: 'insufficient funds' },
  origin('payments', 'e-declined', '10:00:02', 'e-placed'),
)
export const confirmed = createEvent(
  OrderConfirmedV1,
  { orderId: 'o-1', customerId: 'c-1', total: 20.29, paymentId: 'pay-1' },
  origin('orders', 'e-confirmed', '10:00:03', 'e-authorized'),
)
export const sagaCancelled = (reason: string, causationId: string) =>
  createEvent(
    OrderCancelledV2,
    { orderId: 'o-1', reason, cancelledBy: 'saga' },
    origin('orders', 'e-saga-cancelled', '10:00:03', causationId),
  )
export const released = createEvent(
  InventoryReleasedV1,
  { orderId: 'o-1', lines, reason: 'changed mind' },
  origin('inventory', 'e-released', '10:05:01', 'e-cancelled'),
)
export const voided = createEvent(
  PaymentVoidedV1,
  { orderId: 'o-1', paymentId: 'pay-1', amount: 20.29, reason: 'changed mind' },
  origin('payments', 'e-voided', '10:05:01', 'e-cancelled'),
)

/** Metadata of a command that emits event `eventId` at `time`, caused by `causationId`. */
export const metadata = (eventId: string, time: string, causationId?: string) => ({
  now: new Date(`2026-05-01T${time}.000Z`),
  eventId,
  correlationId: 'corr-1',
  ...(causationId === undefined ? {} : { causationId }),
})
