import { randomUUID } from 'node:crypto'
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns'
import { marshall } from '@aws-sdk/util-dynamodb'
import type { DynamoDBRecord } from 'aws-lambda'
import { afterEach, describe, expect, it } from 'vitest'
import { handler } from '../../../functions/outbox-publisher/handler.ts'
import { toStoredEvent } from '../../../functions/outbox-publisher/stored-event.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderCancelled } from './events.ts'
import { createConsumerResources, receive } from './fixture.ts'

const aws = useEmbeddedAws()
const saved = { ...process.env }

afterEach(() => {
  process.env = { ...saved }
})

/** A stream INSERT of a stored event, as the events table's stream delivers it. */
function insert(item: object, sequenceNumber: string): DynamoDBRecord {
  return {
    eventName: 'INSERT',
    dynamodb: {
      SequenceNumber: sequenceNumber,
      NewImage: marshall(item, { removeUndefinedValues: true }) as never,
    },
  }
}

describe('outbox publisher', () => {
  it('on a FIFO bus, fails at an event with no message group id and publishes the ones before it', async () => {
    const sns = new SNSClient(emulatorClientConfig(aws.endpoint))
    const topic = await sns.send(
      new CreateTopicCommand({
        Name: `events-${randomUUID().slice(0, 8)}.fifo`,
        Attributes: { FifoTopic: 'true' },
      }),
    )
    const resources = await createConsumerResources(aws.endpoint, { fifo: true })
    await sns.send(
      new SubscribeCommand({
        TopicArn: topic.TopicArn!,
        Protocol: 'sqs',
        Endpoint: resources.queueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    )
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      EVENT_TOPIC_ARN: topic.TopicArn!,
      EVENT_MESSAGE_GROUP_ID_PATH: 'payload.orderId',
    })
    const first = orderCancelled('o-1')
    const noGroup = { ...orderCancelled('o-2'), payload: { reason: 'no order id' } }
    const last = orderCancelled('o-3')

    const response = await handler({
      Records: [
        insert(toStoredEvent('order-o-1', 1, first), '100'),
        insert(toStoredEvent('order-o-2', 1, noGroup), '200'),
        insert(toStoredEvent('order-o-3', 1, last), '300'),
      ],
    })

    // Lambda retries from the unpublishable record, then sends it to the failure queue.
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] })
    const received = await receive(resources.sqs, resources.queueUrl, 10, 1)
    expect(received.map((m) => JSON.parse(m.Body!).eventId)).toEqual([first.eventId])
  })
})
