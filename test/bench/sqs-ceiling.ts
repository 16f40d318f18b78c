import {
  DeleteMessageBatchCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'

/**
 * The embedded SQS's ceiling as the benches measure it: `messages` sent in batches of 10 by
 * two senders while four consumers receive (10, long poll) and delete (batch), on one queue.
 * Returns how many were deleted and in how long; it stops at `deadlineMs`.
 */
export async function sendReceiveDelete(
  sqs: SQSClient,
  QueueUrl: string,
  messages: number,
  options: {
    readonly deadlineMs: number
    /** Attributes each message carries (and each receive asks for). @default - none */
    readonly attributes?: Record<string, MessageAttributeValue>
  },
): Promise<{ done: number; seconds: number }> {
  const { deadlineMs, attributes } = options
  const started = performance.now()
  let sent = 0
  let done = 0
  const senders = Array.from({ length: 2 }, async () => {
    while (sent < messages) {
      const n = Math.min(10, messages - sent)
      const first = sent
      sent += n
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: n }, (_, i) => ({
            Id: String(i),
            MessageBody: `{"n":${first + i}}`,
            ...(attributes ? { MessageAttributes: attributes } : {}),
          })),
        }),
      )
    }
  })
  const consumers = Array.from({ length: 4 }, async () => {
    while (done < messages && performance.now() - started < deadlineMs) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          ...(attributes ? { MessageAttributeNames: ['All'] } : {}),
        }),
      )
      if (Messages.length === 0) continue
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      )
      done += Messages.length
    }
  })
  await Promise.all([...senders, ...consumers])
  return { done, seconds: (performance.now() - started) / 1000 }
}
