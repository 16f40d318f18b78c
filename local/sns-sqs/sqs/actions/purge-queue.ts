import type { SqsAction } from '../sqs-action.ts'
import { SqsError } from '../sqs-error.ts'

/** "Only one PurgeQueue operation on a queue is allowed every 60 seconds." */
const purgeIntervalMs = 60_000

/**
 * PurgeQueue: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html
 * A second purge within 60 seconds is PurgeQueueInProgress; a purge also forgets a FIFO
 * queue's deduplication ids, so a message sent again after it is taken, not deduplicated
 * ("all messages, and their deduplication history, are deleted").
 */
export const purgeQueue: SqsAction = async (input, context) => {
  const queue = context.queue(input)
  const now = Date.now()
  const last = context.state.purgedAt.get(queue.arn)
  if (last !== undefined && now - last < purgeIntervalMs) {
    throw new SqsError(
      'PurgeQueueInProgress',
      `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`,
      // AWS answers it with HTTP 403, not 400 (recorded responses).
      403,
    )
  }
  const output = await context.fauxqs(input)
  context.state.purgedAt.set(queue.arn, now)
  queue.deduplicationCache.clear?.()
  return output
}
