import { PermanentError, TransientError } from './errors.ts'

/**
 * How a failure is retried: `permanent` goes to the DLQ now, `transient` comes back after
 * a backoff, `unknown` comes back when the visibility timeout ends (plain redrive).
 */
export type FailureClass = 'permanent' | 'transient' | 'unknown'

const throttling = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalServerError',
])

/**
 * A lost race on a conditional write: another writer changed the item (or appended to the
 * stream) between this record's read and its write. A retry reads again and decides on what
 * won, so it comes back after a backoff, not after the visibility timeout.
 */
const lostRace = new Set([
  'ConditionalCheckFailedException',
  'TransactionCanceledException',
  'TransactionConflictException',
  'WrongExpectedVersionError', // the event store's append, functions/event-store/errors.ts
])

/**
 * Our error classes first; AWS SDK errors that are retryable or throttling, and a lost race
 * on a conditional write, are transient.
 */
export function classifyError(error: unknown): FailureClass {
  if (error instanceof PermanentError) return 'permanent'
  if (error instanceof TransientError) return 'transient'
  if (error instanceof Error) {
    const sdk = error as Error & { $retryable?: unknown }
    if (sdk.$retryable || throttling.has(error.name) || lostRace.has(error.name)) {
      return 'transient'
    }
  }
  return 'unknown'
}
