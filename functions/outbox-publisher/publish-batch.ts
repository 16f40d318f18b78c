import {
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  type SNSClient,
} from '@aws-sdk/client-sns'
import { eventMessageAttributes, messageGroupIdOf } from '../../contracts/message-attributes.ts'
import { snsBatches, snsMessageBytes } from '../catalogue/sns-batches.ts'
import type { BusEvent } from './stored-event.ts'

export interface PublishOptions {
  readonly client: SNSClient
  readonly topicArn: string
  /** For a FIFO topic: where in the envelope the MessageGroupId is. */
  readonly messageGroupIdPath?: string
}

/** The PublishBatch entry of an event, with the bus's message attributes. */
function publishEntry(
  event: BusEvent,
  id: string,
  options: PublishOptions,
): PublishBatchRequestEntry {
  return {
    Id: id,
    Message: JSON.stringify(event),
    MessageAttributes: eventMessageAttributes(event),
    ...(options.messageGroupIdPath
      ? {
          MessageGroupId: messageGroupIdOf(event, options.messageGroupIdPath),
          MessageDeduplicationId: event.eventId,
        }
      : {}),
  }
}

/**
 * Publishes events in order, in PublishBatch requests of at most 10 entries and 256 KiB.
 * Returns the index of the first event that was not published (every later one counts as
 * not published either, so a retry keeps the order), or undefined when all were.
 */
export async function publishInOrder(
  events: readonly BusEvent[],
  options: PublishOptions,
): Promise<number | undefined> {
  const entries = events.map((event, i) => {
    const entry = publishEntry(event, String(i), options)
    return { entry, bytes: snsMessageBytes(entry.Message ?? '', entry.MessageAttributes) }
  })
  let start = 0
  for (const batch of snsBatches(entries)) {
    try {
      const result = await options.client.send(
        new PublishBatchCommand({
          TopicArn: options.topicArn,
          PublishBatchRequestEntries: batch.map((b) => b.entry),
        }),
      )
      const failed = (result.Failed ?? []).map((failure) => Number(failure.Id))
      if (failed.length > 0) return Math.min(...failed)
    } catch {
      return start
    }
    start += batch.length
  }
  return undefined
}
