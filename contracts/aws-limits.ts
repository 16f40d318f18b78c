/**
 * Limits AWS sets (not choices of ours) that more than one part of the project applies: the
 * constructs (lib/) validate props against them, the runtime and the clients (functions/,
 * cli/) size requests and delays by them.
 */
export const AWS_LIMITS = {
  sqs: {
    /** The longest queue name, `.fifo` included. */
    maxQueueNameLength: 80,
    /** The longest a message stays invisible after a receive: 12 hours. */
    maxVisibilityTimeoutSeconds: 43_200,
    /** Message attributes one message may carry. */
    maxMessageAttributes: 10,
  },
  sns: {
    /** The largest message one Publish takes, and the most one PublishBatch takes in all: 256 KiB. */
    maxPayloadBytes: 262_144,
    /** Entries in one PublishBatch. */
    maxBatchEntries: 10,
  },
  lambda: {
    /** The longest function timeout: 15 minutes. */
    maxTimeoutSeconds: 900,
    /** The longest batching window of an SQS event source mapping: 5 minutes. */
    maxBatchingWindowSeconds: 300,
  },
  dynamodb: {
    /** Items in one TransactWriteItems request. */
    maxTransactItems: 100,
    /** Keys in one BatchGetItem request. */
    maxBatchGetKeys: 100,
  },
} as const
