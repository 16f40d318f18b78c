import {
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  type SNSClient,
} from '@aws-sdk/client-sns'
import type { Context } from '@opentelemetry/api'
import { eventMessageAttributes, messageGroupIdOf } from '../../contracts/message-attributes.ts'
import { snsBatches, snsMessageBytes } from '../catalogue/sns-batches.ts'
import { injectIntoAttributes } from '../tracing/index.ts'
import type { BusEvent } from './stored-event.ts'

export interface PublishOptions {
  readonly client: SNSClient
  readonly topicArn: string
  /** For a FIFO topic: where in the envelope the MessageGroupId is. */
  readonly messageGroupIdPath?: string
}

/** The PublishBatch entry of an event, with the bus's message attributes and its trace. */
function publishEntry(
  event: BusEvent,
  id: string,
  options: PublishOptions,
  trace: Context | undefined,
): PublishBatchRequestEntry {
  const attributes = eventMessageAttributes(event)
  return {
    Id: id,
    Message: JSON.stringify(event),
    MessageAttributes: trace ? injectIntoAttributes(trace, attributes) : attributes,
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
 * `traces[i]` is the context event i is published in (its publish span's).
 */
export async function publishInOrder(
  events: readonly BusEvent[],
  options: PublishOptions,
  traces: readonly Context[] = [],
): Promise<number | undefined> {
  const entries = events.map((event, i) => {
    const entry = publishEntry(event, String(i), options, traces[i])
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
