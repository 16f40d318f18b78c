import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import { type DeadLetter, readDeadLetter, receiveAll, releaseMessages } from './dlq-messages.ts'

/** One DLQ and the queue its messages go back to. */
export interface RedriveRoute {
  readonly from: DeadLetter['queue']
  readonly dlqUrl: string
  readonly queueUrl: string
}

export interface RedriveOptions {
  /** Messages to move at most. */
  readonly limit: number
  /** Only the messages of this event; the others stay on the DLQ untouched. */
  readonly eventId?: string
  readonly onMoved?: (message: DeadLetter) => void
}

export interface RedriveResult {
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
  const moved: DeadLetter[] = []
  const notDeleted: { message: DeadLetter; error: string }[] = []
  const skipped = new Map<string, Message>()
  const fifo = route.queueUrl.endsWith('.fifo')
  try {
    while (moved.length < options.limit) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: route.dlqUrl,
          MaxNumberOfMessages: Math.min(10, options.limit - moved.length),
          VisibilityTimeout: moveHoldSeconds,
          WaitTimeSeconds: 0,
          ...receiveAll,
        }),
      )
      const fresh = Messages.filter((m) => !skipped.has(m.MessageId ?? ''))
      if (fresh.length === 0) {
        await releaseMessages(sqs, route.dlqUrl, Messages)
        break
      }
      for (const [i, raw] of fresh.entries()) {
        const message = readDeadLetter(raw, route.from)
        if (
          (options.eventId !== undefined && message.eventId !== options.eventId) ||
          moved.length >= options.limit
        ) {
          skipped.set(message.messageId, raw)
          continue
        }
        try {
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
                    MessageGroupId: message.messageGroupId ?? message.eventId ?? message.messageId,
                    MessageDeduplicationId: `redrive-${message.messageId}`.slice(0, 128),
                  }
                : {}),
            }),
          )
        } catch (error) {
          await releaseMessages(sqs, route.dlqUrl, fresh.slice(i))
          throw new RedriveSendError(message, moved, { cause: error })
        }
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
        options.onMoved?.(message)
      }
    }
  } finally {
    await releaseMessages(sqs, route.dlqUrl, [...skipped.values()])
  }
  return { moved, notDeleted }
}
