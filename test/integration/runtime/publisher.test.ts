import { randomUUID } from 'node:crypto'
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  createEvent,
  createPublisher,
  defineEvent,
  EventTooLargeError,
  EventValidationError,
  OrderPlacedV1,
} from '../../../functions/catalogue/index.ts'
import { consumer } from '../../../functions/runtime/index.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderCancelled, orderPlaced } from './events.ts'
import {
  type ConsumerResources,
  createConsumerResources,
  pollOnce,
  receive,
  settingsFor,
} from './fixture.ts'

const aws = useEmbeddedAws()

/** A topic with a queue subscribed under a filter policy on eventType. */
async function topicWith(
  subscriptions: { filter: unknown; raw: boolean }[],
): Promise<{ sns: SNSClient; topicArn: string; queues: ConsumerResources[] }> {
  const sns = new SNSClient(emulatorClientConfig(aws.endpoint))
  const topic = await sns.send(
    new CreateTopicCommand({ Name: `events-${randomUUID().slice(0, 8)}` }),
  )
  const queues: ConsumerResources[] = []
  for (const { filter, raw } of subscriptions) {
    const resources = await createConsumerResources(aws.endpoint)
    await sns.send(
      new SubscribeCommand({
        TopicArn: topic.TopicArn!,
        Protocol: 'sqs',
        Endpoint: resources.queueArn,
        Attributes: {
          FilterPolicy: JSON.stringify({ eventType: filter }),
          RawMessageDelivery: String(raw),
        },
      }),
    )
    queues.push(resources)
  }
  return { sns, topicArn: topic.TopicArn!, queues }
}

async function drain(resources: ConsumerResources) {
  const all = []
  for (;;) {
    const batch = await receive(resources.sqs, resources.queueUrl)
    if (batch.length === 0) return all
    all.push(...batch)
  }
}

describe('publisher', () => {
  it('publishes with eventType and version attributes that exact and prefix filters route on', async () => {
    const { sns, topicArn, queues } = await topicWith([
      { filter: ['order.placed'], raw: true },
      { filter: [{ prefix: 'order.' }], raw: true },
    ])
    const publisher = createPublisher({ topicArn, sns })
    const placed = orderPlaced('o-1')
    const published = await publisher.publish(placed)
    expect(published.eventId).toBe(placed.eventId)
    await publisher.publish(orderCancelled('o-1'))

    const exact = await drain(queues[0]!)
    const prefix = await drain(queues[1]!)
    expect(exact.map((m) => JSON.parse(m.Body!).eventType)).toEqual(['order.placed'])
    expect(prefix.map((m) => JSON.parse(m.Body!).eventType).sort()).toEqual([
      'order.cancelled',
      'order.placed',
    ])
    expect(JSON.parse(exact[0]!.Body!)).toEqual(placed)
    expect(exact[0]!.MessageAttributes).toMatchObject({
      eventType: { DataType: 'String', StringValue: 'order.placed' },
      version: { DataType: 'String', StringValue: '1' },
    })
  })

  it('publishes many with PublishBatch, ten a request', async () => {
    const { sns, topicArn, queues } = await topicWith([
      { filter: [{ prefix: 'order.' }], raw: true },
    ])
    let requests = 0
    sns.middlewareStack.add(
      (next) => async (args) => {
        requests++
        return next(args)
      },
      { step: 'finalizeRequest' },
    )
    const events = Array.from({ length: 23 }, (_, i) =>
      i % 2 ? orderPlaced(`o-${i}`) : orderCancelled(`o-${i}`),
    )
    const published = await createPublisher({ topicArn, sns }).publishAll(events)
    expect(published.map((p) => p.eventId)).toEqual(events.map((e) => e.eventId))
    expect(requests).toBe(3)
    const received = await drain(queues[0]!)
    expect(received.map((m) => JSON.parse(m.Body!).eventId).sort()).toEqual(
      events.map((e) => e.eventId).sort(),
    )
  })

  it('publishes nothing when one event of many is invalid, and names it', async () => {
    const { sns, topicArn, queues } = await topicWith([
      { filter: [{ prefix: 'order.' }], raw: true },
    ])
    const bad = { ...orderPlaced('o-bad'), payload: { orderId: 'o-bad' } }
    await expect(
      createPublisher({ topicArn, sns }).publishAll([orderPlaced('o-ok'), bad]),
    ).rejects.toThrow(EventValidationError)
    await expect(createPublisher({ topicArn, sns }).publish(bad)).rejects.toThrow(
      /order\.placed v1 event .* is invalid: payload\.customerId: /,
    )
    expect(await drain(queues[0]!)).toEqual([])
  })

  it('refuses an event larger than SNS accepts before sending it', async () => {
    const { sns, topicArn, queues } = await topicWith([
      { filter: [{ prefix: 'note.' }], raw: true },
    ])
    // The catalogue's order events are bounded well below 256 KiB; a free-text event is not.
    const NoteV1 = defineEvent({
      type: 'note.added',
      version: 1,
      payload: z.object({ text: z.string() }),
    })
    const publisher = createPublisher({ topicArn, sns, definitions: [NoteV1] })
    const note = (text: string) => createEvent(NoteV1, { text }, { source: 'notes' })
    await expect(publisher.publish(note('x'.repeat(300_000)))).rejects.toThrow(
      /^event .* is 300\d{3} bytes with its message attributes; SNS accepts at most 262144$/,
    )
    await expect(publisher.publish(note('fits'))).resolves.toBeDefined()
    const received = await drain(queues[0]!)
    expect(received.map((m) => JSON.parse(m.Body!).payload.text)).toEqual(['fits'])
    await expect(publisher.publishAll([note('ok'), note('y'.repeat(300_000))])).rejects.toThrow(
      EventTooLargeError,
    )
    expect(await drain(queues[0]!)).toEqual([]) // nothing of a refused publishAll was sent
  })

  it('delivers to the consumer runtime end to end, raw delivery or SNS envelope', async () => {
    const { sns, topicArn, queues } = await topicWith([
      { filter: ['order.placed'], raw: true },
      { filter: ['order.placed'], raw: false },
    ])
    const event = orderPlaced('o-e2e')
    await createPublisher({ topicArn, sns }).publish(event)
    for (const resources of queues) {
      const handled: string[] = []
      const handler = consumer({
        name: 'e2e',
        events: { 'order.placed': OrderPlacedV1 },
        ...settingsFor(resources),
        async handle(received) {
          handled.push(received.eventId)
        },
      })
      const invocation = await pollOnce(handler, resources, { waitTimeSeconds: 2 })
      expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
      expect(handled).toEqual([event.eventId])
    }
  })
})
