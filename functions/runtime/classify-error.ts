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

/** Our error classes first; AWS SDK errors that are retryable or throttling are transient. */
export function classifyError(error: unknown): FailureClass {
  if (error instanceof PermanentError) return 'permanent'
  if (error instanceof TransientError) return 'transient'
  if (error instanceof Error) {
    const sdk = error as Error & { $retryable?: unknown }
    if (sdk.$retryable || throttling.has(error.name)) return 'transient'
  }
  return 'unknown'
}
