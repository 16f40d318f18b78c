import type { FauxqsQueue } from '../fauxqs-sqs.ts'
import { expiredReceiptHandle, receiptHandleError } from '../rules/receipt-handle.ts'
import type { SqsError } from '../sqs-error.ts'

/**
 * Why a receipt handle cannot delete or change its message, or undefined when it can: a
 * handle this SQS never issued, or on a FIFO queue one whose visibility timeout has passed
 * (its message is back on the queue, to be delivered again).
 */
export function receiptHandleRefusal(queue: FauxqsQueue, handle: unknown): SqsError | undefined {
  const malformed = receiptHandleError(handle)
  if (malformed || !queue.isFifo()) return malformed
  const inFlight = queue.inflightMessages.get(handle as string)
  if (inFlight && inFlight.visibilityDeadline > Date.now()) return undefined
  queue.processTimers()
  return expiredReceiptHandle(handle as string)
}
