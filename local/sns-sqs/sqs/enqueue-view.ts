import type { FauxqsMessage, FauxqsSqsStore } from './fauxqs-sqs.ts'

/**
 * The store as one of fauxqs's actions sees it: every queue it resolves by ARN (a receive's
 * dead-letter queue, a publish's subscribed queues) passes each message it is given through
 * `mark` before taking it. fauxqs enqueues synchronously inside the action, so the marks
 * belong to that action alone.
 */
export function markingEnqueues(
  store: FauxqsSqsStore,
  mark: (message: FauxqsMessage) => void,
): FauxqsSqsStore {
  return Object.create(store, {
    getQueueByArn: {
      value(arn: string) {
        const queue = store.getQueueByArn(arn)
        if (!queue) return queue
        return Object.create(queue, {
          enqueue: {
            value(message: FauxqsMessage) {
              mark(message)
              queue.enqueue(message)
            },
          },
        })
      },
    },
  })
}
