import { AWS_LIMITS } from '../../contracts/aws-limits.ts'

/**
 * Every default of the consumer runtime, declared here and nowhere else. Options and
 * environment variables override them (see `resolveConfig`). The metrics namespace, which
 * the Consumer construct sets too, is METRICS_NAMESPACE in contracts/runtime-metrics.ts.
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
  /** Largest record body accepted: what SNS accepts in one publish (262,144). */
  maxBodyBytes: AWS_LIMITS.sns.maxPayloadBytes,
  /**
   * Deepest nesting of objects and arrays accepted in a record body, checked before it is
   * parsed (our events nest 4 deep). Deeper is refused at once, never retried.
   */
  maxJsonDepth: 64,
  /** What to do with a record of an event type the consumer does not handle. */
  unknownEvents: 'dead-letter',
  /**
   * Take and complete a batch's idempotency records with one TransactWriteItems each
   * (2 requests a batch) rather than one write per record (2 requests a record). On
   * DynamoDB a transactional write costs twice the capacity of a plain one.
   */
  batchIdempotencyWrites: true,
  /**
   * Write an in-progress lease before the handler runs. Off, the completion is the record's
   * only write, on the condition that nobody holds it: enough for exactly-once effects when
   * every effect is a returned write or idempotent by itself, at one write a record less.
   */
  leases: true,
} as const

/** What AWS's limits (contracts/aws-limits.ts) allow the runtime. */
export const awsLimits = {
  /**
   * The longest retry delay ChangeMessageVisibility can always grant (42,000 s): a message
   * stays invisible at most 12 hours from the receive that returned it, and that receive may
   * be a batching window (at most 5 min) plus a function timeout (at most 15 min) in the past.
   */
  maxRetryDelaySeconds:
    AWS_LIMITS.sqs.maxVisibilityTimeoutSeconds -
    AWS_LIMITS.lambda.maxBatchingWindowSeconds -
    AWS_LIMITS.lambda.maxTimeoutSeconds,
} as const
