/**
 * The pipeline's consumers, each declared once: the stack (lib/) subscribes each to exactly
 * the event types and versions listed here, and each handler
 * (functions/consumers/<name>/handler.ts) takes the catalogue's schemas of those types at the
 * newest version listed, so the bus never delivers a type or version a handler would
 * dead-letter.
 */

/**
 * The versions of one event type a consumer takes from the bus, ascending. Its handler reads
 * the last; its subscription selects exactly these; each older one is upcast to the last
 * (the catalogue must have the chain, or synth fails). An older version that reaches the
 * queue another way (in flight when the consumer moved to a new version, redriven from its
 * DLQ) is upcast too, when the chain reaches it.
 */
export type EventVersions = readonly [number, ...number[]]

/** What the stack and a consumer's handler agree on. */
export interface ConsumerDefinition {
  /**
   * The consumer's name: its idempotency key prefix, its metrics' dimension, its stack
   * outputs' prefix, and CONSUMER_NAME, which the runtime checks against the handler's name.
   */
  readonly name: string
  /**
   * The event types the handler takes and the subscription selects, each with the versions
   * it takes: exact types, never a prefix, since a prefix would also deliver a type added
   * later that the handler lacks.
   */
  readonly events: Readonly<Record<string, EventVersions>>
  /** The handler's TypeScript entry, relative to the repository root. */
  readonly entry: string
}

/** The order pipeline's consumers, in stack order. */
export const CONSUMERS = {
  orders: {
    name: 'orders',
    events: {
      'order.placed': [1],
      'order.cancelled': [1, 2],
      'inventory.reserved': [1],
      'inventory.rejected': [1],
      'payment.authorized': [1],
      'payment.declined': [1],
    },
    entry: 'functions/consumers/orders/handler.ts',
  },
  inventory: {
    name: 'inventory',
    events: { 'order.placed': [1], 'order.cancelled': [1, 2] },
    entry: 'functions/consumers/inventory/handler.ts',
  },
  payments: {
    name: 'payments',
    events: { 'order.placed': [1], 'order.cancelled': [1, 2] },
    entry: 'functions/consumers/payments/handler.ts',
  },
  notifications: {
    name: 'notifications',
    events: { 'order.placed': [1], 'order.confirmed': [1], 'order.cancelled': [1, 2] },
    entry: 'functions/consumers/notifications/handler.ts',
  },
  projections: {
    name: 'projections',
    // payment.authorized too: the row shows an order paid as soon as the payment is, not
    // only once the order is confirmed.
    events: {
      'order.placed': [1],
      'payment.authorized': [1],
      'order.confirmed': [1],
      'order.cancelled': [1, 2],
    },
    entry: 'functions/consumers/projections/handler.ts',
  },
} as const satisfies Readonly<Record<string, ConsumerDefinition>>

/** The version a consumer's handler reads of each type: the newest it declares. */
export function readVersion(versions: EventVersions): number {
  return Math.max(...versions)
}
