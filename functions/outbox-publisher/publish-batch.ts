import {
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  type SNSClient,
} from '@aws-sdk/client-sns'
import { eventMessageAttributes, messageGroupIdOf } from '../../lib/message-attributes.ts'
import type { BusEvent } from './stored-event.ts'

/** SNS PublishBatch limits: 10 entries and 256 KiB for the whole request. */
const MAX_ENTRIES = 10
const MAX_BATCH_BYTES = 256 * 1024

export interface PublishOptions {
  readonly client: SNSClient
  readonly topicArn: string
  /** For a FIFO topic: where in the envelope the MessageGroupId is. */
  readonly messageGroupIdPath?: string
}

/** The PublishBatch entry of an event, with the bus's message attributes. */
export function publishEntry(
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

function entryBytes(entry: PublishBatchRequestEntry): number {
  let bytes = Buffer.byteLength(entry.Message ?? '')
  for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
    bytes +=
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? '') +
      Buffer.byteLength(value.StringValue ?? '')
  }
  return bytes
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
  let start = 0
  while (start < events.length) {
    const entries: PublishBatchRequestEntry[] = []
    let bytes = 0
    for (let i = start; i < events.length && entries.length < MAX_ENTRIES; i++) {
      const entry = publishEntry(events[i]!, String(i), options)
      const size = entryBytes(entry)
      if (entries.length > 0 && bytes + size > MAX_BATCH_BYTES) break
      entries.push(entry)
      bytes += size
    }
    try {
      const result = await options.client.send(
        new PublishBatchCommand({
          TopicArn: options.topicArn,
          PublishBatchRequestEntries: entries,
        }),
      )
      const failed = (result.Failed ?? []).map((failure) => Number(failure.Id))
      if (failed.length > 0) return Math.min(...failed)
    } catch {
      return start
    }
    start += entries.length
  }
  return undefined
}
