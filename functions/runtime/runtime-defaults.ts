/**
 * Every default of the consumer runtime, declared here and nowhere else. Options and
 * environment variables override them (see `resolveConfig`).
 */
export const runtimeDefaults = {
  /** Records (standard queues) or message groups (FIFO) handled at once. */
  concurrency: 10,
  /** First retry delay of a transient failure; doubles each receive, full jitter. */
  backoffBaseSeconds: 1,
  /** Longest retry delay. */
  backoffCapSeconds: 900,
  /** How long a completed event is remembered, so its duplicates are skipped. */
  dedupeWindowSeconds: 86_400,
  /**
   * Lease of an in-progress record when the invocation's remaining time is unknown; in
   * Lambda the lease is the remaining time of the invocation (no owner can work longer).
   */
  leaseSeconds: 60,
  /** Stop taking records when less than this is left of the invocation. */
  deadlineMarginMs: 1_000,
  /** Largest record body accepted: what SNS accepts in one publish. */
  maxBodyBytes: 262_144,
  /** What to do with a record of an event type the consumer does not handle. */
  unknownEvents: 'dead-letter',
  /**
   * Take and complete a batch's idempotency records with one TransactWriteItems each
   * (2 requests a batch) rather than one write per record (2 requests a record). On
   * DynamoDB a transactional write costs twice the capacity of a plain one.
   */
  batchIdempotencyWrites: true,
  metricsNamespace: 'EventPipeline',
} as const

/** Limits AWS sets, not choices of ours (SQS and DynamoDB). */
export const awsLimits = {
  /**
   * The longest retry delay ChangeMessageVisibility can always grant: a message stays
   * invisible at most 12 hours (43,200 s) from the receive that returned it, and that
   * receive may be a batching window (at most 5 min) plus a function timeout (at most
   * 15 min) in the past.
   */
  maxRetryDelaySeconds: 43_200 - 300 - 900,
  /** Message attributes a message may carry. */
  maxMessageAttributes: 10,
  /** Items in one TransactWriteItems request. */
  maxTransactItems: 100,
} as const
