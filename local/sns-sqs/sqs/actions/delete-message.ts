import type { SqsAction } from '../sqs-action.ts'
import { receiptHandleRefusal } from './receipt-handles.ts'

/** DeleteMessage: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html */
export const deleteMessage: SqsAction = async (input, context) => {
  const refusal = receiptHandleRefusal(context.queue(input), input.ReceiptHandle)
  if (refusal) throw refusal
  return context.fauxqs(input)
}

/** ChangeMessageVisibility: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html */
export const changeMessageVisibility: SqsAction = async (input, context) => {
  const refusal = receiptHandleRefusal(context.queue(input), input.ReceiptHandle)
  if (refusal) throw refusal
  return context.fauxqs(input)
}

/**
 * DeleteMessageBatch and ChangeMessageVisibilityBatch: an entry whose receipt handle is
 * refused fails alone (BatchResultErrorEntry), as AWS reports each entry's outcome.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessageBatch.html
 */
export const receiptHandleBatch: SqsAction = async (input, context) => {
  const queue = context.queue(input)
  const entries = (Array.isArray(input.Entries) ? input.Entries : []) as {
    Id?: unknown
    ReceiptHandle?: unknown
  }[]
  const failed: Record<string, unknown>[] = []
  const accepted = entries.filter((entry) => {
    const refusal = receiptHandleRefusal(queue, entry.ReceiptHandle)
    if (refusal) {
      failed.push({ Id: entry.Id, SenderFault: true, Code: refusal.code, Message: refusal.message })
    }
    return !refusal
  })
  if (failed.length === 0) return context.fauxqs(input)
  const output = accepted.length > 0 ? await context.fauxqs({ ...input, Entries: accepted }) : {}
  return {
    Successful: (output.Successful as unknown[]) ?? [],
    Failed: [...((output.Failed as unknown[]) ?? []), ...failed],
  }
}
