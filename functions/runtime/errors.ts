/** The base of every error the consumer runtime throws or reports. */
export class ConsumerError extends Error {
  override name = 'ConsumerError'
}

/**
 * Throw from a handler when retrying cannot help (a poison message): the runtime sends the
 * record to the DLQ at once, with failure metadata.
 */
export class PermanentError extends ConsumerError {
  override name = 'PermanentError'
}

/**
 * Throw from a handler when a later attempt may succeed (a dependency is down or
 * throttling): the record comes back after an exponential backoff with full jitter, and no
 * sooner than `retryAfterSeconds` when the handler knows how long the wait must be (another
 * service has yet to do its part).
 */
export class TransientError extends ConsumerError {
  override name = 'TransientError'
  /** The least delay before the record comes back, whole seconds. @default - the backoff alone */
  readonly retryAfterSeconds: number | undefined
  constructor(message?: string, options?: ErrorOptions & { readonly retryAfterSeconds?: number }) {
    super(message, options)
    this.retryAfterSeconds = options?.retryAfterSeconds
  }
}

/** Why a record could not be read as an event of this consumer. */
export type InvalidRecordReason =
  | 'oversize'
  | 'too-deep'
  | 'malformed-json'
  | 'attribute-mismatch'
  | 'forbidden-key'
  | 'missing-id'
  | 'schema'
  | 'unknown-type'
  | 'unreachable-version'

/** A record that is not a valid event for this consumer; permanent, so dead-lettered. */
export class InvalidRecordError extends PermanentError {
  override name = 'InvalidRecordError'
  readonly reason: InvalidRecordReason
  constructor(reason: InvalidRecordReason, message: string, options?: ErrorOptions) {
    super(message, options)
    this.reason = reason
  }
}

/** Another invocation holds the event's lease: retried later, never processed twice. */
export class EventInProgressError extends ConsumerError {
  override name = 'EventInProgressError'
  /** When the other owner's lease ends, epoch seconds. */
  readonly leaseExpiresAt: number
  constructor(key: string, leaseExpiresAt: number) {
    super(`${key} is being processed by another invocation (lease until ${leaseExpiresAt})`)
    this.leaseExpiresAt = leaseExpiresAt
  }
}

/** This invocation's lease ended and another owner took the record over. */
export class LeaseLostError extends ConsumerError {
  override name = 'LeaseLostError'
  constructor(key: string, action: string, options?: ErrorOptions) {
    super(`cannot ${action} ${key}: the lease was taken over by another owner`, options)
  }
}

/**
 * Without leases: the event's record was completed, or taken, by another invocation between
 * this one's read and its write (a duplicate delivered twice at once). Retried: the retry
 * finds it completed and skips it, and the effects this invocation decided were cancelled
 * with its transaction.
 */
export class RecordRaceError extends TransientError {
  override name = 'RecordRaceError'
  constructor(key: string, action: string, options?: ErrorOptions) {
    super(`cannot ${action} ${key}: another invocation completed or holds it meanwhile`, options)
  }
}

/** The handler's transactional writes were rejected (a condition failed or a conflict). */
export class EffectsRejectedError extends TransientError {
  override name = 'EffectsRejectedError'
}

/** Options or environment that cannot work; lists every problem at once. */
export class ConsumerConfigError extends ConsumerError {
  override name = 'ConsumerConfigError'
  readonly problems: readonly string[]
  constructor(consumer: string, problems: readonly string[]) {
    super(`consumer '${consumer}' is misconfigured: ${problems.join('; ')}`)
    this.problems = problems
  }
}

/** Every record of a batch failed; thrown so Lambda's Errors metric counts the invocation. */
export class BatchFailedError extends ConsumerError {
  override name = 'BatchFailedError'
  readonly failures: readonly string[]
  constructor(consumer: string, failures: readonly string[], options?: ErrorOptions) {
    super(`consumer '${consumer}': all ${failures.length} record(s) of the batch failed`, options)
    this.failures = failures
  }
}
