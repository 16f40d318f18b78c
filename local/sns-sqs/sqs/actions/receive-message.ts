import { markingEnqueues } from '../enqueue-view.ts'
import type { FauxqsMessage } from '../fauxqs-sqs.ts'
import { md5OfMessageAttributes } from '../message-attributes-md5.ts'
import type { SqsAction } from '../sqs-action.ts'

interface ReceivedMessage {
  ReceiptHandle?: string
  MessageAttributes?: FauxqsMessage['messageAttributes']
  MD5OfMessageAttributes?: string
  Attributes?: Record<string, string>
}

/**
 * ReceiveMessage: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 * - MessageAttributeNames: none unless asked; `All` or `.*` for all, `name` or `prefix.*`
 *   for some; MD5OfMessageAttributes covers the attributes returned.
 * - MessageSystemAttributeNames (and the older AttributeNames): AWSTraceHeader and
 *   DeadLetterQueueSourceArn too, which fauxqs does not keep.
 * A message moved to a dead-letter queue while this receive runs is marked with the queue it
 * came from, through the store view fauxqs resolves the dead-letter queue with, and keeps
 * the receive count it had: the receive that moves it does not deliver it, so it does not
 * count (AWS, recorded: a message received once with maxReceiveCount 1 shows
 * ApproximateReceiveCount 2 on its first receive from the DLQ; fauxqs would show 3).
 */
export const receiveMessage: SqsAction = async (input, context) => {
  const queue = context.queue(input)
  const { MessageAttributeNames: names, ...rest } = input
  const output = await context.fauxqs(
    rest,
    markingEnqueues(context.store, (moved) => {
      moved.deadLetterQueueSourceArn = queue.arn
      // fauxqs counted the receive that found the message over maxReceiveCount.
      moved.approximateReceiveCount -= 1
    }),
  )
  const messages = output.Messages as ReceivedMessage[] | undefined
  if (!messages) return output
  const select = attributeSelector(names)
  const system = new Set([
    ...((input.AttributeNames as string[] | undefined) ?? []),
    ...((input.MessageSystemAttributeNames as string[] | undefined) ?? []),
  ])
  const wants = (name: string) => system.has('All') || system.has(name)
  for (const received of messages) {
    const message = queue.inflightMessages.get(received.ReceiptHandle ?? '')?.message
    const all = message?.messageAttributes ?? received.MessageAttributes ?? {}
    const kept: FauxqsMessage['messageAttributes'] = {}
    for (const [name, value] of Object.entries(all)) if (select(name)) kept[name] = value
    const digest = md5OfMessageAttributes(kept)
    if (digest) {
      received.MessageAttributes = kept
      received.MD5OfMessageAttributes = digest
    } else {
      delete received.MessageAttributes
      delete received.MD5OfMessageAttributes
    }
    const extra: Record<string, string> = {}
    if (message?.awsTraceHeader && wants('AWSTraceHeader'))
      extra.AWSTraceHeader = message.awsTraceHeader
    if (message?.deadLetterQueueSourceArn && wants('DeadLetterQueueSourceArn'))
      extra.DeadLetterQueueSourceArn = message.deadLetterQueueSourceArn
    if (Object.keys(extra).length > 0) received.Attributes = { ...received.Attributes, ...extra }
  }
  return output
}

function attributeSelector(names: unknown): (name: string) => boolean {
  const list = Array.isArray(names) ? (names as string[]) : []
  if (list.includes('All') || list.includes('.*')) return () => true
  const exact = new Set(list.filter((name) => !name.endsWith('.*')))
  const prefixes = list.filter((name) => name.endsWith('.*')).map((name) => name.slice(0, -1))
  return (name) => exact.has(name) || prefixes.some((prefix) => name.startsWith(prefix))
}
