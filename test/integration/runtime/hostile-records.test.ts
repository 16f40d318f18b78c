import { marshall } from '@aws-sdk/util-dynamodb'
import { describe, expect, it } from 'vitest'
import { OrderCancelledV1, OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { consumer } from '../../../functions/runtime/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { attributesOf, orderCancelled, orderPlaced } from './events.ts'
import { createConsumerResources, pollOnce, receive, sendBodies, settingsFor } from './fixture.ts'

const aws = useEmbeddedAws()

async function setUp() {
  const resources = await createConsumerResources(aws.endpoint, { visibilityTimeout: 180 })
  const handled: string[] = []
  const handler = consumer({
    name: 'inventory',
    events: { 'order.placed': OrderPlacedV1, 'order.cancelled': OrderCancelledV1 },
    ...settingsFor(resources),
    async handle(event) {
      // As the event store does with an event it records: a walk of the whole value.
      marshall(event, { removeUndefinedValues: true })
      handled.push(event.eventId)
    },
  })
  return { resources, handled, handler }
}

function dlqAttributes(message: { MessageAttributes?: Record<string, { StringValue?: string }> }) {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
  )
}

describe('a pathological record', () => {
  it('20,000 levels deep is dead-lettered on its first receive; its batch goes on', async () => {
    const { resources, handled, handler } = await setUp()
    const good = orderPlaced('good-1')
    let deep = '1'
    for (let i = 0; i < 20_000; i++) deep = `{"a":${deep}}`
    const poison = JSON.stringify(orderPlaced('deep-1')).replace(/}$/, `,"extra":${deep}}`)
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: poison, attributes: attributesOf(good) },
      { body: JSON.stringify(good), attributes: attributesOf(good) },
    ])
    const invocation = await pollOnce(handler, resources)
    expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(handled).toEqual([good.eventId])
    const [dead, ...others] = await receive(resources.sqs, resources.dlqUrl)
    expect(others).toEqual([])
    expect(dlqAttributes(dead!)).toMatchObject({
      'failure.errorName': 'InvalidRecordError',
      'failure.errorMessage': expect.stringMatching(/deeper than 64 levels/),
      'failure.attempts': '1',
    })
  })
})

describe('routing attributes that contradict the body', () => {
  const placed = orderPlaced('o-attr')
  const cancelled = orderCancelled('o-attr')
  it.each([
    {
      name: 'eventType order.placed on an order.cancelled body',
      body: cancelled,
      attributes: { eventType: 'order.placed', version: '1' },
      reason: /eventType attribute is 'order.placed' but its body's eventType is 'order.cancelled'/,
    },
    {
      name: 'eventType order.cancelled on an order.placed body',
      body: placed,
      attributes: { eventType: 'order.cancelled', version: '1' },
      reason: /eventType attribute is 'order.cancelled' but its body's eventType is 'order.placed'/,
    },
    {
      name: 'version 2 on a version 1 body',
      body: placed,
      attributes: { eventType: 'order.placed', version: '2' },
      reason: /version attribute is '2' but its body's version is 1/,
    },
  ])(
    '$name: dead-lettered at once, naming both, never handled',
    async ({ body, attributes, reason }) => {
      const { resources, handled, handler } = await setUp()
      await sendBodies(resources.sqs, resources.queueUrl, [
        { body: JSON.stringify(body), attributes },
      ])
      const invocation = await pollOnce(handler, resources)
      expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
      expect(handled).toEqual([])
      const [dead] = await receive(resources.sqs, resources.dlqUrl)
      expect(dlqAttributes(dead!)).toMatchObject({
        'failure.errorName': 'InvalidRecordError',
        'failure.errorMessage': expect.stringMatching(reason),
      })
    },
  )
})
