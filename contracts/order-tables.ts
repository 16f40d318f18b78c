/**
 * The order domain's tables, one per consumer that keeps state: the OrderReadModels
 * construct (lib/) creates them; the consumers' code (functions/consumers) and the CLI read
 * and write their items.
 *
 * | table          | partition key   | sort key | used by                                            |
 * | -------------- | --------------- | -------- | -------------------------------------------------- |
 * | inventory      | `sku` (S)       | -        | inventory: stock items and `reservation#<orderId>` |
 * | payments       | `orderId` (S)   | -        | payments: one authorization per order              |
 * | notifications  | `pk` (S)        | `sk` (S) | notifications: `order#<orderId>`, `<time>#<eventId>` |
 * | orders         | `orderId` (S)   | -        | projections: the order read model                  |
 *
 * The orders table has a GSI `byCustomer`: partition `customerId` (S), sort `placedAt` (S),
 * all attributes projected, so a customer's orders can be listed newest first.
 */
export const ORDER_TABLE_SCHEMAS = {
  inventory: { partitionKey: 'sku' },
  payments: { partitionKey: 'orderId' },
  notifications: { partitionKey: 'pk', sortKey: 'sk' },
  orders: {
    partitionKey: 'orderId',
    byCustomerIndex: { name: 'byCustomer', partitionKey: 'customerId', sortKey: 'placedAt' },
  },
} as const
