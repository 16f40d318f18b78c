import { isTransientAwsError } from '../../contracts/transient-aws-errors.ts'

/** Tries of one of the runtime's own AWS requests, each with the SDK's own retries. */
const attempts = 4

/**
 * Runs one of the runtime's own requests (an owned idempotency write, a visibility change,
 * a dead-letter send) again while AWS answers that a later attempt may succeed, after a
 * short jittered wait. The SDK retries throttling and 5xx itself, three attempts, but not a
 * TransactionConflict, and a fourth failure in a row is not rare under load: then a lease
 * stays held, or a backoff becomes the 180 s visibility timeout. Only for requests that are
 * safe to repeat.
 */
export async function retryTransient<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request()
    } catch (error) {
      if (attempt >= attempts || !isTransientAwsError(error)) throw error
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt))
    }
  }
}
