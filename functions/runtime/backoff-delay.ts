import { awsLimits } from './runtime-defaults.ts'

/**
 * The retry delay, in whole seconds, before receive number `attempt` + 1: exponential with
 * full jitter, a random point in [0, min(cap, base × 2^(attempt-1))], within what SQS's 12-hour visibility limit can grant.
 */
export function backoffDelay(
  attempt: number,
  policy: { readonly baseSeconds: number; readonly capSeconds: number },
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1)
  const ceiling = Math.min(policy.capSeconds, policy.baseSeconds * 2 ** exponent)
  const delay = Math.round(random() * ceiling)
  return Math.min(Math.max(delay, 0), awsLimits.maxRetryDelaySeconds)
}
