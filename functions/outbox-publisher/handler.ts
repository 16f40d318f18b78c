import { Logger } from '@aws-lambda-powertools/logger'
import { SNSClient } from '@aws-sdk/client-sns'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda'
import { PUBLISHER_ENVIRONMENT } from '../../contracts/environment.ts'
import {
  ORIGIN_ATTRIBUTE,
  PUBLISHED_ORIGIN,
  STORED_EVENT_ORIGIN,
} from '../../contracts/event-store-tables.ts'
import { sdkTransportConfig } from '../../contracts/local-transport.ts'
import { messageGroupIdOf } from '../../contracts/message-attributes.ts'
import {
  contextOfStoredEvent,
  endWithError,
  flushSpans,
  startPublishSpan,
  startTracing,
} from '../tracing/index.ts'
import { publishInOrder } from './publish-batch.ts'
import { type BusEvent, storedEventName, toBusEvent } from './stored-event.ts'

const logger = new Logger({ serviceName: 'outbox-publisher' })
let sns: SNSClient | undefined
// Loaded at init when tracing is on; awaited by each invocation, which fails if it could not be.
const tracing = startTracing(process.env, 'outbox-publisher')
tracing.catch(() => {})

/**
 * The outbox publisher: for each event newly stored in the events table (a stream INSERT)
 * that this system decided (origin `decided`; events recorded from the bus are skipped),
 * puts its envelope on the bus with the eventType and version message attributes. Events go
 * out in stream order; on a failure the response names the first record not published, so
 * Lambda retries from there (ReportBatchItemFailures) and, after its retries, sends the
 * rest to the on-failure destination. A stored item that is not a valid event fails the
 * same way, so it ends in the failure queue instead of blocking its shard forever.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  await tracing
  const topicArn = process.env[PUBLISHER_ENVIRONMENT.topicArn]
  if (!topicArn)
    throw new Error(`environment variable ${PUBLISHER_ENVIRONMENT.topicArn} is not set`)
  const messageGroupIdPath = process.env[PUBLISHER_ENVIRONMENT.messageGroupIdPath] || undefined
  sns ??= new SNSClient(sdkTransportConfig())

  const inserts = event.Records.filter((record) => record.eventName === 'INSERT')
  const events: BusEvent[] = []
  // Each event's publish continues the trace of the handler that appended it.
  const spans: ReturnType<typeof startPublishSpan>[] = []
  const sequenceNumbers: (string | undefined)[] = []
  let invalid: { sequenceNumber: string | undefined } | undefined
  let skipped = 0
  for (const record of inserts) {
    const sequenceNumber = record.dynamodb?.SequenceNumber
    try {
      const image = record.dynamodb?.NewImage
      if (!image) throw new Error('the stream record has no NewImage; the stream must be NEW_IMAGE')
      const item = unmarshall(image as Parameters<typeof unmarshall>[0])
      // Events recorded from the bus are on it already: publishing them again would loop.
      const origin = item[ORIGIN_ATTRIBUTE]
      if (origin === STORED_EVENT_ORIGIN.recorded) {
        skipped++
        continue
      }
      const busEvent = toBusEvent(item)
      if (origin !== PUBLISHED_ORIGIN) {
        throw new Error(
          `stored event ${storedEventName(item)} has origin ${JSON.stringify(origin)}; expected decided or recorded`,
        )
      }
      // Checked here so an event a FIFO topic cannot take fails alone, like an invalid one.
      if (messageGroupIdPath) messageGroupIdOf(busEvent, messageGroupIdPath)
      events.push(busEvent)
      spans.push(startPublishSpan(topicArn, busEvent, contextOfStoredEvent(item)))
      sequenceNumbers.push(sequenceNumber)
    } catch (error) {
      logger.error('not an event', { sequenceNumber, error: error as Error })
      invalid = { sequenceNumber }
      break
    }
  }

  const failedAt = await publishInOrder(
    events,
    { client: sns, topicArn, messageGroupIdPath },
    spans.map((s) => s.context),
  )
  spans.forEach(({ span }, i) => {
    if (failedAt !== undefined && i >= failedAt) endWithError(span, new Error('not published'))
    else span.end()
  })
  await flushSpans()
  logger.info('published', {
    published: failedAt ?? events.length,
    skipped,
    of: inserts.length,
  })
  const firstFailure =
    failedAt !== undefined ? { sequenceNumber: sequenceNumbers[failedAt] } : invalid
  if (firstFailure === undefined) return { batchItemFailures: [] }
  const { sequenceNumber } = firstFailure
  if (!sequenceNumber) throw new Error('a failed stream record has no sequence number')
  return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] }
}
