/**
 * The pipeline's consumers, each declared once: the stack (lib/) subscribes each to exactly
 * the event types listed here, and each handler (functions/consumers/<name>/handler.ts)
 * takes the catalogue's schemas of exactly those types, so the bus never delivers a type a
 * handler would dead-letter as unknown.
 */

/** What the stack and a consumer's handler agree on. */
export interface ConsumerDefinition {
  /**
   * The consumer's name: its idempotency key prefix, its metrics' dimension, its stack
   * outputs' prefix, and CONSUMER_NAME, which the runtime checks against the handler's name.
   */
  readonly name: string
  /**
   * The event types the handler takes and the subscription selects: exact types, never a
   * prefix, since a prefix would also deliver a type added later that the handler lacks.
   */
  readonly eventTypes: readonly string[]
  /** The handler's TypeScript entry, relative to the repository root. */
  readonly entry: string
}

/** The order pipeline's consumers, in stack order. */
export const CONSUMERS = {
  orders: {
    name: 'orders',
    eventTypes: [
      'order.placed',
      'order.cancelled',
      'inventory.reserved',
      'inventory.rejected',
      'payment.authorized',
      'payment.declined',
    ],
    entry: 'functions/consumers/orders/handler.ts',
  },
  inventory: {
    name: 'inventory',
    eventTypes: ['order.placed', 'order.cancelled'],
    entry: 'functions/consumers/inventory/handler.ts',
  },
  payments: {
    name: 'payments',
    eventTypes: ['order.placed', 'order.cancelled'],
    entry: 'functions/consumers/payments/handler.ts',
  },
  notifications: {
    name: 'notifications',
    eventTypes: ['order.placed', 'order.confirmed', 'order.cancelled'],
    entry: 'functions/consumers/notifications/handler.ts',
  },
  projections: {
    name: 'projections',
    eventTypes: ['order.placed', 'order.confirmed', 'order.cancelled'],
    entry: 'functions/consumers/projections/handler.ts',
  },
} as const satisfies Readonly<Record<string, ConsumerDefinition>>
