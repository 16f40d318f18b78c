import type {
  PublishBatchCommandOutput,
  PublishBatchRequestEntry,
  SNSClient,
} from '@aws-sdk/client-sns'
import { AWS_LIMITS } from '../../contracts/aws-limits.ts'
import { sdkTransportConfig } from '../../contracts/local-transport.ts'
import { eventMessageAttributes } from '../../contracts/message-attributes.ts'
import { endWithError, injectIntoAttributes, startPublishSpan } from '../tracing/index.ts'
import { catalogue } from './catalogue.ts'
import type { EventDefinition } from './define-event.ts'
import type { EventEnvelope } from './envelope.ts'
import { CatalogueError, EventTooLargeError, PublishError } from './errors.ts'
import {
  isTransientEntryFailure,
  type PublishRetryPolicy,
  publishRetryDefaults,
  publishRetryWait,
  withPublishRetries,
} from './publish-retries.ts'
import { snsBatches, snsMessageBytes } from './sns-batches.ts'
import { validateEvent } from './validate-event.ts'

export interface PublisherOptions {
  readonly topicArn: string
  /** @default - one SNSClient per process, endpoint and region from the environment */
  readonly sns?: SNSClient
  /** What events may be published. @default catalogue */
  readonly definitions?: readonly EventDefinition[]
  /**
   * The message group of an event, for FIFO topics (ARN ending in `.fifo`), where it is
   * required. The deduplication id is the eventId. @default - none (standard topics)
   */
  readonly messageGroupId?: (event: EventEnvelope) => string
  /**
   * How a publish SNS refused for the moment (throttling, 5xx, a dropped connection; an
   * entry of a batch with such a failure) is tried again. @default 4 tries, 100 ms doubling
   */
  readonly retries?: PublishRetryPolicy
}

export interface PublishedEvent {
  readonly eventId: string
  readonly messageId: string
}

export interface Publisher {
  /** Validates then publishes one event. */
  publish(event: unknown): Promise<PublishedEvent>
  /**
   * Validates every event, then publishes them with PublishBatch (10 a request, within
   * 256 KiB). Nothing is published when one is invalid; a `PublishError` names the events
   * SNS did not accept, and which were published.
   */
  publishAll(events: readonly unknown[]): Promise<PublishedEvent[]>
}

let defaultSns: Promise<SNSClient> | undefined
let snsPackage: Promise<typeof import('@aws-sdk/client-sns')> | undefined

/**
 * The SDK's SNS package, loaded on the first publish: every consumer imports the catalogue,
 * and a static import would load the SNS client in each one's init, where none publishes.
 */
function snsModule() {
  snsPackage ??= import('@aws-sdk/client-sns')
  return snsPackage
}

/** The semantic conventions' attribute for the id SNS gave the message. */
const MESSAGE_ID = 'messaging.message.id'

/** Publishes catalogue events to an SNS topic with the attributes filter policies match. */
export function createPublisher(options: PublisherOptions): Publisher {
  const definitions = options.definitions ?? catalogue
  const fifo = options.topicArn.endsWith('.fifo')
  if (fifo && !options.messageGroupId) {
    throw new CatalogueError(
      `topic ${options.topicArn} is FIFO: give the publisher a messageGroupId(event) function`,
    )
  }
  const sns = async () => options.sns ?? (await processSnsClient())
  const retries = options.retries ?? publishRetryDefaults

  const prepare = (raw: unknown) => {
    const event = validateEvent(raw, definitions)
    const message = JSON.stringify(event)
    const bytes = snsMessageBytes(message, eventMessageAttributes(event))
    if (bytes > AWS_LIMITS.sns.maxPayloadBytes) {
      throw new EventTooLargeError(event.eventId, bytes, AWS_LIMITS.sns.maxPayloadBytes)
    }
    return {
      event,
      bytes,
      message,
      ...(fifo
        ? { MessageGroupId: options.messageGroupId!(event), MessageDeduplicationId: event.eventId }
        : {}),
    }
  }

  // The trace starts at the publish (a no-op span when tracing is off); its context rides in
  // the message attributes, which the filter policies never match on. Spans start once every
  // event is valid, so that an invalid one leaves none open.
  const traced = <T extends ReturnType<typeof prepare>>(p: T) => {
    const { span, context } = startPublishSpan(options.topicArn, p.event)
    const attributes = injectIntoAttributes(context, eventMessageAttributes(p.event))
    return { ...p, span, attributes, bytes: snsMessageBytes(p.message, attributes) }
  }

  return {
    async publish(raw) {
      const { event, span, message, attributes, ...fifoIds } = traced(prepare(raw))
      try {
        const [{ PublishCommand }, client] = await Promise.all([snsModule(), sns()])
        const result = await withPublishRetries(
          () =>
            client.send(
              new PublishCommand({
                TopicArn: options.topicArn,
                Message: message,
                MessageAttributes: attributes,
                ...withoutBytes(fifoIds),
              }),
            ),
          retries,
        )
        span.setAttribute(MESSAGE_ID, result.MessageId ?? '')
        span.end()
        return { eventId: event.eventId, messageId: result.MessageId ?? '' }
      } catch (error) {
        endWithError(span, error)
        throw error
      }
    },

    async publishAll(raws) {
      const prepared = raws.map(prepare).map(traced)
      const published: PublishedEvent[] = []
      const failed: { eventId: string; code: string; message: string }[] = []
      for (const chunk of snsBatches(prepared)) {
        // Entries SNS refused for the moment are sent again, on their own, after a wait.
        let pending = chunk.map((p, i) => ({ p, id: String(i) }))
        for (let attempt = 1; pending.length > 0; attempt++) {
          const entries: PublishBatchRequestEntry[] = pending.map(({ p, id }) => ({
            Id: id,
            Message: p.message,
            MessageAttributes: p.attributes,
            ...(p.MessageGroupId === undefined
              ? {}
              : {
                  MessageGroupId: p.MessageGroupId,
                  MessageDeduplicationId: p.MessageDeduplicationId,
                }),
          }))
          let result: PublishBatchCommandOutput
          try {
            const [{ PublishBatchCommand }, client] = await Promise.all([snsModule(), sns()])
            result = await withPublishRetries(
              () =>
                client.send(
                  new PublishBatchCommand({
                    TopicArn: options.topicArn,
                    PublishBatchRequestEntries: entries,
                  }),
                ),
              retries,
            )
          } catch (error) {
            for (const p of chunk) endWithError(p.span, error)
            const done = new Set([...published, ...failed].map((e) => e.eventId))
            const unsent = prepared.filter((p) => !done.has(p.event.eventId))
            throw new PublishError(
              unsent.map((p) => ({
                eventId: p.event.eventId,
                code: (error as Error).name,
                message: (error as Error).message,
              })),
              published.map((p) => p.eventId),
              { cause: error },
            )
          }
          for (const ok of result.Successful ?? []) {
            chunk[Number(ok.Id)]?.span.setAttribute(MESSAGE_ID, ok.MessageId ?? '')
            published.push({
              eventId: chunk[Number(ok.Id)]!.event.eventId,
              messageId: ok.MessageId ?? '',
            })
          }
          const refused = result.Failed ?? []
          const again = attempt < retries.attempts ? refused.filter(isTransientEntryFailure) : []
          for (const bad of refused) {
            if (again.includes(bad)) continue
            chunk[Number(bad.Id)]?.span.setStatus({
              code: 2,
              message: bad.Message ?? bad.Code ?? '',
            })
            failed.push({
              eventId: chunk[Number(bad.Id)]!.event.eventId,
              code: bad.Code ?? 'Unknown',
              message: bad.Message ?? '',
            })
          }
          const ids = new Set(again.map((bad) => bad.Id))
          pending = pending.filter(({ id }) => ids.has(id))
          if (pending.length > 0) await publishRetryWait(attempt, retries)
        }
        for (const p of chunk) p.span.end()
      }
      if (failed.length > 0)
        throw new PublishError(
          failed,
          published.map((p) => p.eventId),
        )
      return published
    },
  }
}

/**
 * One client per process, created on first use; SDK v3 reads AWS_ENDPOINT_URL and the region
 * (and locally it may use the in-process transport, contracts/local-transport.ts).
 */
function processSnsClient(): Promise<SNSClient> {
  defaultSns ??= snsModule().then(({ SNSClient }) => new SNSClient(sdkTransportConfig()))
  return defaultSns
}

function withoutBytes<T extends { bytes: number }>({ bytes: _, ...rest }: T): Omit<T, 'bytes'> {
  return rest
}
