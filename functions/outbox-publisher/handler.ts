import { Logger } from '@aws-lambda-powertools/logger'
import { SNSClient } from '@aws-sdk/client-sns'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda'
import { publishInOrder } from './publish-batch.ts'
import { type BusEvent, toBusEvent } from './stored-event.ts'

const logger = new Logger({ serviceName: 'outbox-publisher' })
let sns: SNSClient | undefined

/**
 * The outbox publisher: for each event newly stored in the events table (a stream INSERT),
 * puts its envelope on the bus with the eventType and version message attributes. Events go
 * out in stream order; on a failure the response names the first record not published, so
 * Lambda retries from there (ReportBatchItemFailures) and, after its retries, sends the
 * rest to the on-failure destination. A stored item that is not a valid event fails the
 * same way, so it ends in the failure queue instead of blocking its shard forever.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const topicArn = process.env.EVENT_TOPIC_ARN
  if (!topicArn) throw new Error('environment variable EVENT_TOPIC_ARN is not set')
  sns ??= new SNSClient({})

  const inserts = event.Records.filter((record) => record.eventName === 'INSERT')
  const events: BusEvent[] = []
  let invalidAt: number | undefined
  for (const [index, record] of inserts.entries()) {
    try {
      const image = record.dynamodb?.NewImage
      if (!image) throw new Error('the stream record has no NewImage; the stream must be NEW_IMAGE')
      events.push(toBusEvent(unmarshall(image as Parameters<typeof unmarshall>[0])))
    } catch (error) {
      logger.error('not an event', {
        sequenceNumber: record.dynamodb?.SequenceNumber,
        error: error as Error,
      })
      invalidAt = index
      break
    }
  }

  const failedAt = await publishInOrder(events, {
    client: sns,
    topicArn,
    messageGroupIdPath: process.env.EVENT_MESSAGE_GROUP_ID_PATH || undefined,
  })
  const firstFailure = failedAt ?? invalidAt
  logger.info('published', {
    published: firstFailure ?? inserts.length,
    of: inserts.length,
  })
  if (firstFailure === undefined) return { batchItemFailures: [] }
  const sequenceNumber = inserts[firstFailure]?.dynamodb?.SequenceNumber
  if (!sequenceNumber) throw new Error('a failed stream record has no sequence number')
  return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] }
}
