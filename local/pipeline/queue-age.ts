import type { SqsStoreView } from '../sns-sqs/fauxqs.ts'

/** The parts of a fauxqs queue that hold its messages (not in the typed store view). */
interface QueueMessages {
  readonly name: string
  readonly messages?: readonly { sentTimestamp?: number }[]
  readonly inflightMessages?: ReadonlyMap<string, { message?: { sentTimestamp?: number } }>
}

/**
 * Age in seconds of the oldest message on a queue of the embedded SQS (waiting or in
 * flight), what CloudWatch's ApproximateAgeOfOldestMessage reports on AWS; null when empty.
 */
export function oldestMessageAgeSeconds(store: SqsStoreView, queueName: string): number | null {
  const queue = [...store.allQueues()].find((q) => q.name === queueName) as
    | QueueMessages
    | undefined
  if (!queue) return null
  let oldest = Number.POSITIVE_INFINITY
  for (const message of queue.messages ?? [])
    oldest = Math.min(oldest, message.sentTimestamp ?? oldest)
  for (const entry of queue.inflightMessages?.values() ?? []) {
    oldest = Math.min(oldest, entry.message?.sentTimestamp ?? oldest)
  }
  return Number.isFinite(oldest) ? Math.max(0, Math.round((Date.now() - oldest) / 1000)) : null
}
