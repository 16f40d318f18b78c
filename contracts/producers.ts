/**
 * Who puts each event type on the bus, at which versions: the producers' side of the
 * contract, as the consumers' side is contracts/consumers.ts. The published contract
 * (contracts/asyncapi.yaml) and `pipeline catalogue` list them; during a migration to a new
 * version a producer publishes both versions until no consumer declares the old one.
 */

import type { EventVersions } from './consumers.ts'

/** One producer and what it publishes. */
export interface ProducerDefinition {
  readonly name: string
  /** How its events reach the bus. */
  readonly description: string
  /** The event types it publishes, each with the versions it publishes. */
  readonly events: Readonly<Record<string, EventVersions>>
}

/** The order pipeline's producers. */
export const PRODUCERS = {
  shop: {
    name: 'shop',
    description:
      'the customer-facing shop: places and cancels orders (pipeline publish and the demo orders play it)',
    events: { 'order.placed': [1], 'order.cancelled': [2] },
  },
  orders: {
    name: 'orders',
    description: "the orders service, through the event store's outbox",
    events: { 'order.confirmed': [1], 'order.cancelled': [2] },
  },
  inventory: {
    name: 'inventory',
    description: "the inventory service, through the event store's outbox",
    events: { 'inventory.reserved': [1], 'inventory.rejected': [1], 'inventory.released': [1] },
  },
  payments: {
    name: 'payments',
    description: "the payments service, through the event store's outbox",
    events: { 'payment.authorized': [1], 'payment.declined': [1], 'payment.voided': [1] },
  },
} as const satisfies Readonly<Record<string, ProducerDefinition>>
