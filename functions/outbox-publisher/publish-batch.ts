import {
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  type SNSClient,
} from '@aws-sdk/client-sns'
import type { Context } from '@opentelemetry/api'
import { eventMessageAttributes, messageGroupIdOf } from '../../contracts/message-attributes.ts'
import { isTransientAwsError } from '../../contracts/transient-aws-errors.ts'
import {
  isTransientEntryFailure,
  type PublishRetryPolicy,
  publishRetryDefaults,
  publishRetryWait,
} from '../catalogue/publish-retries.ts'
import { snsBatches, snsMessageBytes } from '../catalogue/sns-batches.ts'
import { injectIntoAttributes } from '../tracing/index.ts'
import type { BusEvent } from './stored-event.ts'

export interface PublishOptions {
  readonly client: SNSClient
  readonly topicArn: string
  /** For a FIFO topic: where in the envelope the MessageGroupId is. */
  readonly messageGroupIdPath?: string
  /** How a publish SNS refused for the moment is tried again. @default 4 tries, 100 ms doubling */
  readonly retries?: PublishRetryPolicy
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
 *
 * What SNS refuses for the moment (throttling, 5xx, a dropped connection; entries whose
 * failure is the service's) is tried again here, from the first such event, after a wait:
 * Lambda retries a failed stream batch only so many times before its records go to the
 * failure queue, never to the bus.
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
  const policy = options.retries ?? publishRetryDefaults
  let start = 0
  for (const batch of snsBatches(entries)) {
    let from = 0
    for (let attempt = 1; ; attempt++) {
      const outcome = await publishFrom(batch.slice(from), options)
      if (outcome === 'published') break
      const failedAt = from + outcome.at
      if (!outcome.transient || attempt >= policy.attempts) return start + failedAt
      from = failedAt
      await publishRetryWait(attempt, policy)
    }
    start += batch.length
  }
  return undefined
}

/** One PublishBatch: published, or where in `batch` the first failure is and whether it may pass later. */
async function publishFrom(
  batch: readonly { entry: PublishBatchRequestEntry }[],
  options: PublishOptions,
): Promise<'published' | { at: number; transient: boolean }> {
  try {
    const result = await options.client.send(
      new PublishBatchCommand({
        TopicArn: options.topicArn,
        PublishBatchRequestEntries: batch.map((b) => b.entry),
      }),
    )
    const failures = result.Failed ?? []
    if (failures.length === 0) return 'published'
    // From the first refused entry on nothing counts as published; whether to try again
    // is that entry's call (a later one that fails for good stops the next try there).
    const at = (f: (typeof failures)[number]) => batch.findIndex((b) => b.entry.Id === f.Id)
    const first = failures.reduce((a, b) => (at(b) < at(a) ? b : a))
    return { at: Math.max(0, at(first)), transient: isTransientEntryFailure(first) }
  } catch (error) {
    return { at: 0, transient: isTransientAwsError(error) }
  }
}
