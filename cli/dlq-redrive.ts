import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns'
import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import { eventMessageAttributes } from '../contracts/message-attributes.ts'
import {
  type DeadLetter,
  peekDeadLetters,
  readDeadLetter,
  receiveAll,
  releaseMessages,
} from './dlq-messages.ts'

/**
 * One DLQ and where its messages go back to: a queue, or the bus's topic (unroutable events,
 * published again with the routing attributes their body names, so that a fix of the
 * consumers or of the attributes routes them).
 */
export type RedriveRoute =
  | { readonly from: 'dlq' | 'delivery'; readonly dlqUrl: string; readonly queueUrl: string }
  | {
      readonly from: 'unroutable'
      readonly dlqUrl: string
      readonly topicArn: string
      readonly sns: SNSClient
    }

export interface RedriveOptions {
  /** Messages to move at most. */
  readonly limit: number
  /** Only the messages of this event; the others stay on the DLQ untouched. */
  readonly eventId?: string
  /** Messages sent a second at most. @default - as fast as SQS takes them */
  readonly ratePerSecond?: number
  /** Called with each message moved, its number and how many the redrive will move at most. */
  readonly onMoved?: (message: DeadLetter, progress: { moved: number; of: number }) => void
}

export interface RedriveResult {
  /** Messages on the DLQ when the redrive started (the most it moves). */
  readonly present: number
  readonly moved: readonly DeadLetter[]
  /** Sent back, but the DLQ kept its copy too (the delete failed): it would be redriven again. */
  readonly notDeleted: readonly { readonly message: DeadLetter; readonly error: string }[]
}

/** A send to the source queue failed: nothing of that message was deleted. */
export class RedriveSendError extends Error {
  override name = 'RedriveSendError'
  /** The message whose send failed; it is still on the DLQ. */
  readonly failed: DeadLetter
  /** The messages moved before it. */
  readonly moved: readonly DeadLetter[]
  constructor(failed: DeadLetter, moved: readonly DeadLetter[], options: ErrorOptions) {
    super(`could not send message ${failed.messageId} back`, options)
    this.failed = failed
    this.moved = moved
  }
}

/** How long a message being moved stays hidden on the DLQ: its send and delete take far less. */
const moveHoldSeconds = 60

/**
 * Moves messages from a DLQ back to their source queue, client-side (every target; the
 * embedded SQS has no StartMessageMoveTask): each is sent with its original body and
 * attributes, without the failure metadata, and deleted from the DLQ only after the send
 * succeeded. A failed send stops the redrive with that message and every other one still
 * on the DLQ, made visible again at once.
 *
 * It moves only the messages on the DLQ when it started, by message id (read first,
 * without consuming them): a message that fails again while the redrive runs comes back to
 * the DLQ as a new message, which this redrive leaves there, so it always ends.
 *
 * FIFO: the message keeps its group. Its deduplication id is new (`redrive-<DLQ message
 * id>`): reusing the original one within SQS's 5-minute window would make the source queue
 * accept and drop it, and the DLQ copy would then be deleted: lost. Derived from the DLQ
 * message, a redrive retried after a crash between send and delete is still deduplicated.
 */
export async function redriveMessages(
  sqs: SQSClient,
  route: RedriveRoute,
  options: RedriveOptions,
): Promise<RedriveResult> {
  const present = await peekDeadLetters(sqs, route.dlqUrl, route.from, Number.MAX_SAFE_INTEGER)
  const toMove = new Set(
    present
      .filter((m) => options.eventId === undefined || m.eventId === options.eventId)
      .map((m) => m.messageId),
  )
  const of = Math.min(options.limit, toMove.size)
  const moved: DeadLetter[] = []
  const notDeleted: { message: DeadLetter; error: string }[] = []
  const skipped = new Map<string, Message>()
  const fifo = route.from !== 'unroutable' && route.queueUrl.endsWith('.fifo')
  const pace = pacer(options.ratePerSecond)
  // Receives that brought none of the messages to move: another reader may hold them.
  let idleReceives = 0
  try {
    while (moved.length < of && idleReceives < maxIdleReceives) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: route.dlqUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: moveHoldSeconds,
          WaitTimeSeconds: 0,
          ...receiveAll,
        }),
      )
      const mine = Messages.filter((m) => toMove.has(m.MessageId ?? ''))
      for (const other of Messages) {
        if (!toMove.has(other.MessageId ?? '')) skipped.set(other.MessageId ?? '', other)
      }
      idleReceives = mine.length === 0 ? idleReceives + 1 : 0
      for (const [i, raw] of mine.entries()) {
        const message = readDeadLetter(raw, route.from)
        if (moved.length >= of) {
          skipped.set(message.messageId, raw)
          continue
        }
        await pace()
        try {
          if (route.from === 'unroutable') await republish(route, message)
          else
            await sqs.send(
              new SendMessageCommand({
                QueueUrl: route.queueUrl,
                MessageBody: message.body,
                ...(Object.keys(message.originalAttributes).length > 0
                  ? { MessageAttributes: message.originalAttributes }
                  : {}),
                ...(raw.Attributes?.AWSTraceHeader
                  ? {
                      MessageSystemAttributes: {
                        AWSTraceHeader: {
                          DataType: 'String',
                          StringValue: raw.Attributes.AWSTraceHeader,
                        },
                      },
                    }
                  : {}),
                ...(fifo
                  ? {
                      MessageGroupId:
                        message.messageGroupId ?? message.eventId ?? message.messageId,
                      MessageDeduplicationId: `redrive-${message.messageId}`.slice(0, 128),
                    }
                  : {}),
              }),
            )
        } catch (error) {
          await releaseMessages(sqs, route.dlqUrl, mine.slice(i))
          throw new RedriveSendError(message, moved, { cause: error })
        }
        toMove.delete(message.messageId)
        try {
          await sqs.send(
            new DeleteMessageCommand({ QueueUrl: route.dlqUrl, ReceiptHandle: raw.ReceiptHandle }),
          )
        } catch (error) {
          notDeleted.push({
            message,
            error: `${(error as Error).name}: ${(error as Error).message}`,
          })
        }
        moved.push(message)
        options.onMoved?.(message, { moved: moved.length, of })
      }
    }
  } finally {
    await releaseMessages(sqs, route.dlqUrl, [...skipped.values()])
  }
  return { present: present.length, moved, notDeleted }
}

/**
 * Publishes an unroutable event to the bus again, its routing attributes read from its body
 * when that is an event envelope (they were missing or named a type nothing selects).
 */
async function republish(
  route: Extract<RedriveRoute, { from: 'unroutable' }>,
  message: DeadLetter,
): Promise<void> {
  let envelope: unknown
  try {
    envelope = JSON.parse(message.body)
  } catch {}
  const { eventType, version } = (envelope ?? {}) as { eventType?: unknown; version?: unknown }
  const routing =
    typeof eventType === 'string' && Number.isInteger(version)
      ? eventMessageAttributes({ eventType, version: version as number })
      : {}
  const attributes = { ...message.originalAttributes, ...routing }
  await route.sns.send(
    new PublishCommand({
      TopicArn: route.topicArn,
      Message: message.body,
      ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
    }),
  )
}

/** Receives in a row that bring none of the messages to move before a redrive gives up. */
const maxIdleReceives = 5

/** Waits so that calls come at most `ratePerSecond` a second; no wait without a rate. */
function pacer(ratePerSecond: number | undefined): () => Promise<void> {
  if (ratePerSecond === undefined) return async () => {}
  const intervalMs = 1000 / ratePerSecond
  let next = Date.now()
  return async () => {
    const wait = next - Date.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    next = Math.max(next, Date.now()) + intervalMs
  }
}
