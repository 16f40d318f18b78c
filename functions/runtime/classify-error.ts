import { isTransientAwsError } from '../../contracts/transient-aws-errors.ts'
import { PermanentError, TransientError } from './errors.ts'

/**
 * How a failure is retried: `permanent` goes to the DLQ now, `transient` comes back after
 * a backoff, `unknown` comes back when the visibility timeout ends (plain redrive).
 */
export type FailureClass = 'permanent' | 'transient' | 'unknown'

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
 * Our error classes first; then AWS errors a later attempt may get past (throttling, 5xx,
 * a dropped connection: contracts/transient-aws-errors.ts) and a lost race on a conditional
 * write are transient.
 */
export function classifyError(error: unknown): FailureClass {
  if (error instanceof PermanentError) return 'permanent'
  if (error instanceof TransientError) return 'transient'
  if (error instanceof Error && (lostRace.has(error.name) || isTransientAwsError(error))) {
    return 'transient'
  }
  return 'unknown'
}
