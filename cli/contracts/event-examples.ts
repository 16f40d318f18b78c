/**
 * One example payload per event type and version, for the published contract
 * (contracts/asyncapi.yaml). Each is validated against its schema when the document is
 * generated, so an example cannot drift from the catalogue; a new version needs one here.
 */
export const EVENT_EXAMPLES: Readonly<Record<string, unknown>> = {
  'order.placed v1': {
    orderId: 'order-1001',
    customerId: 'customer-42',
    items: [
      { sku: 'SKU-RED-MUG', quantity: 2, unitPrice: 12.5 },
      { sku: 'SKU-TEA-100G', quantity: 1, unitPrice: 6.99 },
    ],
    total: 31.99,
  },
  'order.cancelled v1': { orderId: 'order-1001', reason: 'changed my mind' },
  'order.cancelled v2': {
    orderId: 'order-1001',
    reason: 'payment declined: insufficient funds',
    cancelledBy: 'saga',
  },
  'order.confirmed v1': {
    orderId: 'order-1001',
    customerId: 'customer-42',
    total: 31.99,
    paymentId: 'payment-order-1001',
  },
  'inventory.reserved v1': {
    orderId: 'order-1001',
    lines: [
      { sku: 'SKU-RED-MUG', quantity: 2 },
      { sku: 'SKU-TEA-100G', quantity: 1 },
    ],
  },
  'inventory.rejected v1': {
    orderId: 'order-1001',
    shortSkus: [{ sku: 'SKU-RED-MUG', requested: 2, available: 1 }],
  },
  'inventory.released v1': {
    orderId: 'order-1001',
    lines: [{ sku: 'SKU-RED-MUG', quantity: 2 }],
    reason: 'order cancelled',
  },
  'payment.authorized v1': {
    orderId: 'order-1001',
    paymentId: 'payment-order-1001',
    customerId: 'customer-42',
    amount: 31.99,
  },
  'payment.declined v1': {
    orderId: 'order-1001',
    customerId: 'customer-42',
    amount: 31.99,
    reason: 'insufficient funds',
  },
  'payment.voided v1': {
    orderId: 'order-1001',
    paymentId: 'payment-order-1001',
    amount: 31.99,
    reason: 'order cancelled',
  },
}
