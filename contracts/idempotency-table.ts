/**
 * The idempotency table and its records: the IdempotencyTable construct (lib/) creates the
 * table, the consumer runtime (functions/runtime) writes the records, `pipeline trace` (cli/)
 * reads them, and the Consumer construct scopes each consumer's IAM access to its own keys.
 */

/** The table's schema. */
export const IDEMPOTENCY_TABLE_SCHEMA = {
  /** Partition key (S): `<consumer>#<eventId>`, see {@link idempotencyKey}. */
  partitionKey: 'id',
  /** TTL attribute (N, epoch seconds): DynamoDB deletes a record after it. */
  timeToLiveAttribute: 'expiresAt',
} as const

/** The attributes of a record besides its key and TTL; every time is epoch seconds (N). */
export const IDEMPOTENCY_RECORD_ATTRIBUTES = {
  /** (S) one of {@link IDEMPOTENCY_STATUS}. */
  status: 'status',
  /**
   * (S) the owner token of the invocation holding the lease while in progress; kept after
   * it completes or releases, so that a write retried after a lost reply knows its own.
   */
  owner: 'owner',
  /** (N) when the lease ends, while in progress. */
  leaseExpiresAt: 'leaseExpiresAt',
  /** (N) when the event was completed. */
  completedAt: 'completedAt',
  /** (N) the first failure's time. */
  firstFailureAt: 'firstFailureAt',
  /** (N) the latest failure's time. */
  lastFailureAt: 'lastFailureAt',
  /** (N) how many times handling the event failed. */
  failures: 'failures',
} as const

/** The values of a record's `status`. */
export const IDEMPOTENCY_STATUS = {
  inProgress: 'IN_PROGRESS',
  completed: 'COMPLETED',
  released: 'RELEASED',
} as const

/**
 * The prefix of a consumer's keys in the shared idempotency table. The consumer's role may
 * only touch items whose partition key starts with it (IAM `dynamodb:LeadingKeys`).
 */
export function idempotencyKeyPrefix(consumerName: string): string {
  return `${consumerName}#`
}

/** The key of a consumer's record of one event: `<consumer>#<eventId>`. */
export function idempotencyKey(consumerName: string, eventId: string): string {
  return `${idempotencyKeyPrefix(consumerName)}${eventId}`
}
