import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import { EVENT_MESSAGE_ATTRIBUTES } from '../contracts/message-attributes.ts'
import { failureAttribute } from '../functions/runtime/dead-letter-attributes.ts'

/** Why the consumer runtime dead-lettered a message, as its DLQ attributes say (ISO times). */
export interface DeadLetterFailure {
  readonly errorName?: string
  readonly errorMessage?: string
  readonly consumer?: string
  readonly attempts?: number
  readonly firstFailureAt?: string
  readonly lastFailureAt?: string
}

/** One message on a DLQ, read without taking it off the queue. */
export interface DeadLetter {
  readonly messageId: string
  /**
   * `dlq`: the consumer's DLQ; `delivery`: where SNS put what it could not deliver;
   * `unroutable`: the bus's queue of events no consumer selects.
   */
  readonly queue: 'dlq' | 'delivery' | 'unroutable'
  readonly eventId: string | undefined
  readonly eventType: string | undefined
  /** When the message was sent to the DLQ, ISO 8601. */
  readonly sentAt: string | undefined
  /** Undefined when SQS moved it (maxReceiveCount) or SNS could not deliver it. */
  readonly failure: DeadLetterFailure | undefined
  readonly body: string
  /** The message's attributes before it was dead-lettered: without the failure metadata. */
  readonly originalAttributes: Record<string, MessageAttributeValue>
  readonly messageGroupId: string | undefined
  readonly receiptHandle: string
}

/** What a receive on a DLQ asks for: every attribute, system ones included. */
export const receiveAll = {
  MessageAttributeNames: ['All'],
  MessageSystemAttributeNames: ['All' as const],
}

/**
 * How long a peeked message stays hidden at most: long enough to read a DLQ of thousands,
 * short enough that a CLI killed mid-read hides nothing for long. Peeked messages are made
 * visible again as soon as the read ends.
 */
const peekHoldSeconds = 30

/**
 * Reads up to `limit` messages of a DLQ without consuming them: receives with a short
 * visibility timeout, keeping them hidden while reading so that no message is counted twice,
 * then makes every one visible again at once (ChangeMessageVisibility 0). Nothing is deleted
 * or moved; the receive count of each message goes up by one, which a DLQ does not act on.
 * Messages another reader holds are waited for, up to a few seconds.
 */
export async function peekDeadLetters(
  sqs: SQSClient,
  queueUrl: string,
  queue: DeadLetter['queue'],
  limit: number,
): Promise<DeadLetter[]> {
  const seen = new Map<string, Message>()
  const expected = Math.min(limit, await depthOf(sqs, queueUrl))
  const deadline = Date.now() + contendedWaitMs
  try {
    for (;;) {
      while (seen.size < limit) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, limit - seen.size),
            VisibilityTimeout: peekHoldSeconds,
            WaitTimeSeconds: 0,
            ...receiveAll,
          }),
        )
        const fresh = Messages.filter((m) => m.MessageId && !seen.has(m.MessageId))
        for (const message of Messages) if (message.MessageId) seen.set(message.MessageId, message)
        if (fresh.length === 0) break
      }
      if (seen.size >= expected || Date.now() > deadline) break
      // Another reader (a second `dlq show`, a trace, a redrive) holds the rest for a moment:
      // let go of ours so that it can finish too, then read again.
      await releaseMessages(sqs, queueUrl, [...seen.values()])
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200))
    }
  } finally {
    await releaseMessages(sqs, queueUrl, [...seen.values()])
  }
  return [...seen.values()].map((message) => readDeadLetter(message, queue))
}

/** How long a peek waits for messages another reader holds. */
const contendedWaitMs = 3000

/** Messages on a queue, visible or held by a reader. */
async function depthOf(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  )
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  )
}

/** Makes received messages visible again now. Best effort: their hold ends by itself. */
export async function releaseMessages(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly Pick<Message, 'ReceiptHandle'>[],
): Promise<void> {
  const handles = messages.flatMap((m) => (m.ReceiptHandle ? [m.ReceiptHandle] : []))
  for (let i = 0; i < handles.length; i += 10) {
    await sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: handles
            .slice(i, i + 10)
            .map((handle, j) => ({ Id: String(j), ReceiptHandle: handle, VisibilityTimeout: 0 })),
        }),
      )
      .catch(() => {})
  }
}

/** A received DLQ message: its event, why it failed, and its attributes without the metadata. */
export function readDeadLetter(message: Message, queue: DeadLetter['queue']): DeadLetter {
  const attributes = message.MessageAttributes ?? {}
  const originalAttributes: Record<string, MessageAttributeValue> = {}
  let failure: Record<string, unknown> | undefined
  for (const [name, value] of Object.entries(attributes)) {
    if (name === failureAttribute) {
      const json = parseJson(value.StringValue)
      if (json && typeof json === 'object') {
        const { overflow, ...rest } = json as Record<string, unknown>
        failure = { ...failure, ...rest }
        Object.assign(originalAttributes, fromOverflow(overflow))
        continue
      }
    }
    if (name.startsWith(`${failureAttribute}.`)) {
      const field = name.slice(failureAttribute.length + 1)
      failure = {
        ...failure,
        [field]: value.DataType === 'Number' ? Number(value.StringValue) : value.StringValue,
      }
      continue
    }
    originalAttributes[name] = value
  }
  const event = eventOf(message.Body ?? '', originalAttributes)
  const sent = Number(message.Attributes?.SentTimestamp)
  return {
    messageId: message.MessageId ?? '',
    queue,
    eventId: event.eventId,
    eventType: event.eventType,
    sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : undefined,
    failure: failure && toFailure(failure),
    body: message.Body ?? '',
    originalAttributes,
    messageGroupId: message.Attributes?.MessageGroupId,
    receiptHandle: message.ReceiptHandle ?? '',
  }
}

function toFailure(fields: Record<string, unknown>): DeadLetterFailure {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined)
  const attempts = Number(fields.attempts)
  return {
    errorName: text(fields.errorName),
    errorMessage: text(fields.errorMessage),
    consumer: text(fields.consumer),
    attempts: Number.isFinite(attempts) ? attempts : undefined,
    firstFailureAt: text(fields.firstFailureAt),
    lastFailureAt: text(fields.lastFailureAt),
  }
}

/** The tenth original attribute, which the runtime moved into the JSON `failure` attribute. */
function fromOverflow(overflow: unknown): Record<string, MessageAttributeValue> {
  if (!overflow || typeof overflow !== 'object') return {}
  const out: Record<string, MessageAttributeValue> = {}
  for (const [name, raw] of Object.entries(overflow as Record<string, unknown>)) {
    const value = raw as { dataType?: string; stringValue?: string; binaryValue?: string }
    out[name] =
      value.binaryValue !== undefined
        ? {
            DataType: value.dataType ?? 'Binary',
            BinaryValue: Buffer.from(value.binaryValue, 'base64'),
          }
        : { DataType: value.dataType ?? 'String', StringValue: value.stringValue ?? '' }
  }
  return out
}

/**
 * The event id and type of a message body: our envelope, or an SNS notification wrapping
 * it (subscriptions without raw delivery); the `eventType` attribute when the body is not
 * JSON.
 */
function eventOf(
  body: string,
  attributes: Record<string, MessageAttributeValue>,
): { eventId?: string; eventType?: string } {
  let json = parseJson(body) as Record<string, unknown> | undefined
  if (json?.Type === 'Notification' && typeof json.Message === 'string') {
    json = parseJson(json.Message) as Record<string, unknown> | undefined
  }
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined)
  return {
    eventId: text(json?.eventId),
    eventType:
      text(json?.eventType) ?? attributes[EVENT_MESSAGE_ATTRIBUTES.eventType.name]?.StringValue,
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
