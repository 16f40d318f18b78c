import { randomUUID } from 'node:crypto'
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns'
import { describe, expect, it } from 'vitest'
import { createPublisher } from '../../../functions/catalogue/index.ts'
import { publishInOrder } from '../../../functions/outbox-publisher/publish-batch.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderCancelled, orderPlaced } from './events.ts'
import { createConsumerResources, receive } from './fixture.ts'

/**
 * The publishers (the catalogue's, which the CLI and the console use, and the outbox's) when
 * SNS throttles or fails: they try again, with a wait, instead of giving up on the first
 * answer. The SNS client makes one attempt a request here, so every fault reaches them.
 */
const aws = useEmbeddedAws()

/** A topic with one raw subscriber queue; the client clears the faults after `failures` failed requests. */
async function throttledTopic(failures: number) {
  const sns = new SNSClient({ ...emulatorClientConfig(aws.endpoint), maxAttempts: 1 })
  const topic = await sns.send(new CreateTopicCommand({ Name: `bus-${randomUUID().slice(0, 8)}` }))
  const queue = await createConsumerResources(aws.endpoint)
  await sns.send(
    new SubscribeCommand({
      TopicArn: topic.TopicArn!,
      Protocol: 'sqs',
      Endpoint: queue.queueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  )
  const refused: string[] = []
  sns.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args)
      } catch (error) {
        refused.push((error as Error).name)
        if (refused.length === failures) await aws.aws.faults.clear()
        throw error
      }
    },
    { step: 'initialize', name: 'clearFaultsForTest' },
  )
  const delivered = async () =>
    (await receive(queue.sqs, queue.queueUrl, 10, 1)).map((m) => JSON.parse(m.Body!).eventId)
  return { sns, topicArn: topic.TopicArn!, refused, delivered }
}

describe('publishing while SNS throttles or fails', () => {
  it('the publisher tries a throttled publish again and publishes it', async () => {
    const bus = await throttledTopic(2)
    const event = orderPlaced('o-throttled')
    await aws.aws.faults.set('sns.Publish:throttle=100%')
    try {
      await createPublisher({ topicArn: bus.topicArn, sns: bus.sns }).publish(event)
    } finally {
      await aws.aws.faults.clear()
    }
    expect(bus.refused).toEqual(['ThrottledException', 'ThrottledException'])
    expect(await bus.delivered()).toEqual([event.eventId])
  })

  it('the publisher tries a batch SNS failed with a 5xx again and publishes every event', async () => {
    const bus = await throttledTopic(1)
    const events = [orderPlaced('o-a'), orderPlaced('o-b'), orderCancelled('o-a')]
    await aws.aws.faults.set('sns.PublishBatch:5xx=100%')
    try {
      const published = await createPublisher({ topicArn: bus.topicArn, sns: bus.sns }).publishAll(
        events,
      )
      expect(published.map((p) => p.eventId)).toEqual(events.map((e) => e.eventId))
    } finally {
      await aws.aws.faults.clear()
    }
    expect(bus.refused).toEqual(['InternalErrorException'])
    expect((await bus.delivered()).sort()).toEqual(events.map((e) => e.eventId).sort())
  })

  it('the publisher does not try again what SNS refuses for good', async () => {
    const sns = new SNSClient({ ...emulatorClientConfig(aws.endpoint), maxAttempts: 1 })
    const missing = 'arn:aws:sns:us-east-1:000000000000:no-such-topic'
    const tries: string[] = []
    sns.middlewareStack.add(
      (next) => async (args) => {
        tries.push('Publish')
        return next(args)
      },
      { step: 'initialize', name: 'countForTest' },
    )
    await expect(
      createPublisher({ topicArn: missing, sns }).publish(orderPlaced('o-nowhere')),
    ).rejects.toThrow(/not|exist/i)
    expect(tries).toHaveLength(1)
  })

  it('the outbox tries a throttled batch again instead of leaving it to the stream retries', async () => {
    const bus = await throttledTopic(2)
    const events = [orderPlaced('o-c'), orderCancelled('o-c')]
    await aws.aws.faults.set('sns.PublishBatch:throttle=100%')
    let firstUnpublished: number | undefined
    try {
      firstUnpublished = await publishInOrder(events, { client: bus.sns, topicArn: bus.topicArn })
    } finally {
      await aws.aws.faults.clear()
    }
    expect(firstUnpublished).toBeUndefined()
    expect(bus.refused).toEqual(['ThrottledException', 'ThrottledException'])
    expect((await bus.delivered()).sort()).toEqual(events.map((e) => e.eventId).sort())
  })
})
