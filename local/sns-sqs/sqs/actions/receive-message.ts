import { markingEnqueues } from '../enqueue-view.ts'
import type { FauxqsMessage, FauxqsQueue, FauxqsSqsStore } from '../fauxqs-sqs.ts'
import { md5OfMessageAttributes } from '../message-attributes-md5.ts'
import type { SqsAction, SqsActionContext } from '../sqs-action.ts'

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
  const view = markingEnqueues(context.store, (moved) => {
    moved.deadLetterQueueSourceArn = queue.arn
    // fauxqs counted the receive that found the message over maxReceiveCount.
    moved.approximateReceiveCount -= 1
  })
  const output = await longPoll(rest, queue, context, view)
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

/**
 * fauxqs's receive, waiting out the whole long poll: "If a message is available, the call
 * returns sooner than WaitTimeSeconds. If no messages are available and the wait time expires,
 * the call does not return a message list"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html).
 * fauxqs wakes every waiting receive of a queue when one message arrives, and those another
 * receive beat to it answer empty at once; each such receive would be one more request for
 * every poller of the queue (the pipeline's pollers made ~12 ReceiveMessage an order at 20
 * orders/s against ~4.5 batches). So a receive that woke to nothing waits again for what is
 * left of its wait time, unless its queue was deleted meanwhile.
 */
async function longPoll(
  input: Record<string, unknown>,
  queue: FauxqsQueue,
  context: SqsActionContext,
  view: FauxqsSqsStore,
): Promise<Record<string, unknown>> {
  const waitSeconds = Number(
    input.WaitTimeSeconds ?? queue.attributes.ReceiveMessageWaitTimeSeconds ?? 0,
  )
  const deadline = Date.now() + waitSeconds * 1000
  let output = await context.fauxqs(input, view)
  for (;;) {
    const remainingMs = deadline - Date.now()
    const found = (output.Messages as unknown[] | undefined)?.length ?? 0
    if (found > 0 || remainingMs <= 0 || !Number.isFinite(remainingMs)) return output
    if (context.store.getQueue(queue.url) !== queue) return output
    output = await context.fauxqs({ ...input, WaitTimeSeconds: remainingMs / 1000 }, view)
  }
}

function attributeSelector(names: unknown): (name: string) => boolean {
  const list = Array.isArray(names) ? (names as string[]) : []
  if (list.includes('All') || list.includes('.*')) return () => true
  const exact = new Set(list.filter((name) => !name.endsWith('.*')))
  const prefixes = list.filter((name) => name.endsWith('.*')).map((name) => name.slice(0, -1))
  return (name) => exact.has(name) || prefixes.some((prefix) => name.startsWith(prefix))
}
