/**
 * Which AWS errors a later attempt can get past: throttling, a service's 5xx, a dropped
 * connection. The consumer runtime backs such a record off (instead of leaving it to the
 * visibility timeout), and the publishers try such a publish again. Pure data and a
 * predicate, so the functions and the CLI read the same list.
 */

/**
 * Error codes that say "slow down" or "try again", from each service's API reference, as
 * the wire names them and as SDK v3 names its exception classes (`error.name`: SNS's
 * Throttled is ThrottledException, InternalError InternalErrorException): SQS
 * (RequestThrottled, KmsThrottled, InternalFailure, ServiceUnavailable), SNS (Throttled,
 * KMSThrottling, InternalError), DynamoDB
 * (ThrottlingException, ProvisionedThroughputExceededException, RequestLimitExceeded,
 * InternalServerError, TransactionConflictException, ReplicatedWriteConflictException),
 * DynamoDB Streams (LimitExceededException), and the errors common to every AWS API
 * (ThrottlingException, ServiceUnavailable, InternalFailure).
 */
export const TRANSIENT_AWS_ERROR_CODES: ReadonlySet<string> = new Set([
  // Throttling
  'ThrottlingException',
  'Throttling',
  'Throttled',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KmsThrottled',
  'KMS.ThrottlingException',
  'KMSThrottling',
  'KMSThrottlingException',
  'SlowDown',
  'BandwidthLimitExceeded',
  // The service failed or is busy (HTTP 5xx)
  'InternalFailure',
  'InternalError',
  'InternalErrorException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  // DynamoDB: another transaction holds the item; AWS says to retry
  'TransactionConflictException',
  'TransactionInProgressException',
  'ReplicatedWriteConflictException',
  // The request timed out
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
])

/** Node's codes for a connection that broke or timed out: the reply never came. */
const DROPPED_CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])

interface SdkErrorFields {
  readonly name?: unknown
  readonly code?: unknown
  readonly $retryable?: unknown
  readonly $metadata?: { readonly httpStatusCode?: unknown }
  readonly cause?: unknown
}

/**
 * Whether `error` is an AWS error a later attempt may get past: a code in
 * {@link TRANSIENT_AWS_ERROR_CODES}, an error the SDK marks retryable, an HTTP 429 or 5xx
 * answer, or a dropped connection (after the SDK's own retries ran out, this is what
 * reaches the caller). Follows `cause` a few levels, as wrapped errors carry it there.
 */
export function isTransientAwsError(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false
  const fields = error as Error & SdkErrorFields
  if (fields.name === 'AbortError') return false
  if (TRANSIENT_AWS_ERROR_CODES.has(error.name)) return true
  if (fields.$retryable !== undefined && fields.$retryable !== null) return true
  const status = fields.$metadata?.httpStatusCode
  if (typeof status === 'number' && (status === 429 || (status >= 500 && status <= 599))) {
    return true
  }
  if (typeof fields.code === 'string' && DROPPED_CONNECTION_CODES.has(fields.code)) return true
  return isTransientAwsError(fields.cause, depth + 1)
}
