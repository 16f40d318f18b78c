import {
  lowerCaseBooleans,
  queueAttributesError,
  queueNameError,
} from '../rules/queue-attributes.ts'
import type { SqsAction } from '../sqs-action.ts'
import { SqsError } from '../sqs-error.ts'

type Attributes = Readonly<Record<string, unknown>>

/** CreateQueue: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html */
export const createQueue: SqsAction = async (input, context) => {
  const attributes = lowerCaseBooleans((input.Attributes ?? {}) as Attributes)
  const fifo = attributes.FifoQueue === 'true'
  const name = typeof input.QueueName === 'string' ? input.QueueName : ''
  const error = queueAttributesError(attributes, fifo, context.store) ?? queueNameError(name, fifo)
  if (error) throw error
  return context.fauxqs(input.Attributes ? { ...input, Attributes: attributes } : input)
}

/** SetQueueAttributes: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html */
export const setQueueAttributes: SqsAction = async (input, context) => {
  const queue = context.queue(input)
  const attributes = lowerCaseBooleans((input.Attributes ?? {}) as Attributes)
  const error = queueAttributesError(attributes, queue.isFifo(), context.store)
  if (error) throw error
  return context.fauxqs(input.Attributes ? { ...input, Attributes: attributes } : input)
}

/**
 * GetQueueAttributes: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
 * The approximate counts are read after messages whose visibility timeout or delay has
 * passed are back on the queue (fauxqs moves them only when it next receives).
 */
export const getQueueAttributes: SqsAction = async (input, context) => {
  context.queue(input).processTimers()
  return context.fauxqs(input)
}

/**
 * ListDeadLetterSourceQueues: the queues whose RedrivePolicy targets this one.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListDeadLetterSourceQueues.html
 */
export const listDeadLetterSourceQueues: SqsAction = async (input, context) => {
  const target = context.queue(input)
  const urls: string[] = []
  for (const queue of context.store.allQueues()) {
    const policy = queue.attributes.RedrivePolicy
    if (!policy) continue
    try {
      if (
        (JSON.parse(policy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn === target.arn
      )
        urls.push(queue.url)
    } catch {
      // A policy fauxqs holds but cannot parse names no queue.
    }
  }
  const max = input.MaxResults
  if (max !== undefined && (typeof max !== 'number' || max < 1 || max > 1000)) {
    throw new SqsError(
      'InvalidParameterValue',
      `Value ${String(max)} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.`,
    )
  }
  return { queueUrls: typeof max === 'number' ? urls.slice(0, max) : urls }
}
