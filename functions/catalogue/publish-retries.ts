import type { BatchResultErrorEntry } from '@aws-sdk/client-sns'
import {
  isTransientAwsError,
  TRANSIENT_AWS_ERROR_CODES,
} from '../../contracts/transient-aws-errors.ts'

/** How a publisher tries a publish again that SNS refused for the moment. */
export interface PublishRetryPolicy {
  /** Tries in all, the first included (each one the SDK's own retries). @default 4 */
  readonly attempts: number
  /** The first wait; doubles each try, full jitter. @default 100 */
  readonly baseDelayMs: number
}

export const publishRetryDefaults: PublishRetryPolicy = { attempts: 4, baseDelayMs: 100 }

/**
 * Whether a PublishBatch entry SNS did not accept may be accepted later: its fault was the
 * service's (`SenderFault` false: a 5xx), or its code is throttling (`Throttled`,
 * `KMSThrottling`…). A sender's fault (an invalid parameter) fails the same way again.
 */
export function isTransientEntryFailure(failure: BatchResultErrorEntry): boolean {
  return failure.SenderFault === false || TRANSIENT_AWS_ERROR_CODES.has(failure.Code ?? '')
}

/**
 * Runs `publish` until it succeeds, fails for good, or the tries run out: a thrown AWS
 * error a later try may get past (throttling, 5xx, a dropped connection; see
 * contracts/transient-aws-errors.ts) is tried again after a jittered exponential wait. A
 * publish whose reply was lost may then go out twice: consumers skip the copy by eventId.
 */
export async function withPublishRetries<T>(
  publish: () => Promise<T>,
  policy: PublishRetryPolicy = publishRetryDefaults,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await publish()
    } catch (error) {
      if (attempt >= policy.attempts || !isTransientAwsError(error)) throw error
      await publishRetryWait(attempt, policy)
    }
  }
}

/** The wait after try `attempt`: full jitter over base × 2^(attempt-1). */
export function publishRetryWait(attempt: number, policy: PublishRetryPolicy): Promise<void> {
  const ms = Math.random() * policy.baseDelayMs * 2 ** (attempt - 1)
  return new Promise((resolve) => setTimeout(resolve, ms))
}
