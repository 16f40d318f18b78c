/**
 * The environment variables the constructs (lib/) set on a function and its code
 * (functions/) reads: one name each, declared here.
 */

/** Powertools' variables: the logger's and metrics' service name, the metrics' namespace. */
export const POWERTOOLS_ENVIRONMENT = {
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const

/** The variables every consumer function gets from the Consumer construct; the runtime reads them. */
export const CONSUMER_ENVIRONMENT = {
  consumerName: 'CONSUMER_NAME',
  queueUrl: 'QUEUE_URL',
  deadLetterQueueUrl: 'DLQ_URL',
  maxReceiveCount: 'MAX_RECEIVE_COUNT',
  idempotencyTable: 'IDEMPOTENCY_TABLE',
  ...POWERTOOLS_ENVIRONMENT,
} as const

/** The variables a publisher function gets from `EventBus.publisherEnvironment()`. */
export const PUBLISHER_ENVIRONMENT = {
  /** The bus topic's ARN. */
  topicArn: 'EVENT_TOPIC_ARN',
  /** On a FIFO bus: the envelope path whose value is an event's message group. */
  messageGroupIdPath: 'EVENT_MESSAGE_GROUP_ID_PATH',
} as const

/** The variables that carry a table's name to the functions that use it. */
export const TABLE_ENVIRONMENT = {
  /** The event store's events table (also the outbox). */
  events: 'EVENTS_TABLE',
  /** The event store's snapshots table. */
  snapshots: 'SNAPSHOTS_TABLE',
  /** The inventory consumer's stock and reservations. */
  inventory: 'INVENTORY_TABLE',
  /** The payments consumer's authorizations. */
  payments: 'PAYMENTS_TABLE',
  /** The notifications consumer's records. */
  notifications: 'NOTIFICATIONS_TABLE',
  /** The projections consumer's order read model. */
  readModel: 'READ_MODEL_TABLE',
} as const
