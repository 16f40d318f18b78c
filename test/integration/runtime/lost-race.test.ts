import { PutItemCommand } from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import { OrderCancelledV1, OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { EventStore } from '../../../functions/event-store/index.ts'
import { consumer } from '../../../functions/runtime/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { createEventsTable, documentClientFor } from '../event-store/fixture.ts'
import { attributesOf, orderPlaced } from './events.ts'
import { createConsumerResources, pollOnce, receive, sendBodies, settingsFor } from './fixture.ts'

const aws = useEmbeddedAws()

// Issue 17, defect 7: a cancellation racing its order's reservation lost the conditional
// write with ConditionalCheckFailedException, classed as unknown: back only after the
// queue's 180 s visibility timeout. A lost race is transient: back after a backoff.
describe('a record that loses a race on a conditional write', () => {
  const races = {
    'a conditional PutItem (ConditionalCheckFailedException)': async (
      resources: Awaited<ReturnType<typeof createConsumerResources>>,
      orderId: string,
    ) => {
      const put = () =>
        resources.dynamodb.send(
          new PutItemCommand({
            TableName: resources.table,
            Item: { id: { S: `race#${orderId}` } },
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        )
      await put() // the other writer, first
      await put()
    },
    'an event store append at a version another writer took (WrongExpectedVersionError)': async (
      _resources: Awaited<ReturnType<typeof createConsumerResources>>,
      orderId: string,
    ) => {
      const eventsTable = await createEventsTable(aws.endpoint)
      const store = new EventStore({ client: documentClientFor(aws.endpoint), eventsTable })
      await store.append(`race-${orderId}`, [orderPlaced(orderId)], {
        expectedVersion: 'no-stream',
      })
      await store.append(`race-${orderId}`, [orderPlaced(orderId)], {
        expectedVersion: 'no-stream',
      })
    },
  }

  it.each(Object.entries(races))(
    '%s: retried after a backoff, not the visibility timeout',
    async (_, race) => {
      const resources = await createConsumerResources(aws.endpoint, { visibilityTimeout: 180 })
      let calls = 0
      const handler = consumer({
        name: 'inventory',
        events: { 'order.placed': OrderPlacedV1, 'order.cancelled': OrderCancelledV1 },
        ...settingsFor(resources),
        backoffBaseSeconds: 1,
        random: () => 0.999, // the top of the jitter: 1 s after the first receive
        async handle(event) {
          calls++
          if (calls === 1) await race(resources, event.payload.orderId)
        },
      })
      const event = orderPlaced(`o-race-${Math.random().toString(36).slice(2, 8)}`)
      await sendBodies(resources.sqs, resources.queueUrl, [
        { body: JSON.stringify(event), attributes: attributesOf(event) },
      ])
      const started = Date.now()
      const first = await pollOnce(handler, resources)
      expect(first.ok).toBe(false) // its one record retried: the batch failed
      const [again] = await receive(resources.sqs, resources.queueUrl, 1, 5)
      expect(again, 'received again within 5 s').toBeDefined()
      expect(Date.now() - started).toBeLessThan(5_000)
      expect(again!.Attributes!.ApproximateReceiveCount).toBe('2')
    },
  )
})
