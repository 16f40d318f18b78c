const notRecordedRetries = [2, 15, 60, 240] as const

/**
 * How long to wait before looking again for an event the order's stream does not hold yet,
 * after receive `attempt`: 2 s, 15 s, 60 s, then 240 s. The orders service records the
 * customer's events as it consumes them, usually within a second; but a receive of its own
 * that fails (or an invocation that crashes) comes back only after its queue's visibility
 * timeout, 180 s (6 x its 30 s function timeout). So the first look again is soon, and the
 * fifth receive, the last, comes more than 5 minutes after the first: only an event the
 * orders service could not record at all (then on its DLQ) ends on this DLQ too. The plain
 * backoff (1 s doubling, full jitter) would use up the five receives in about 15 s.
 */
export function notRecordedRetrySeconds(attempt: number): number {
  return notRecordedRetries[Math.min(Math.max(attempt, 1), notRecordedRetries.length) - 1]!
}
