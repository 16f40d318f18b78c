import {
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb'
import { DeleteMessageBatchCommand } from '@aws-sdk/client-sqs'
import { describe, expect, it } from 'vitest'
import { OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { type ConsumerOptions, consumer, TransientError } from '../../../functions/runtime/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderPlaced } from './events.ts'
import {
  type ConsumerResources,
  createConsumerResources,
  lambdaContext,
  pollOnce,
  queueDepth,
  receive,
  sendBodies,
  settingsFor,
  toSqsEvent,
} from './fixture.ts'

const aws = useEmbeddedAws()

/** The idempotency record of `payments#<eventId>`, read consistently. */
async function recordOf(resources: ConsumerResources, eventId: string) {
  const { Item } = await resources.dynamodb.send(
    new GetItemCommand({
      TableName: resources.table,
      Key: { id: { S: `payments#${eventId}` } },
      ConsistentRead: true,
    }),
  )
  return Item
}

/** A counter item; the handler's effect adds to it, committed with the idempotency record. */
async function counterTable(resources: ConsumerResources) {
  const table = `counter-${resources.table}`
  await resources.dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  await resources.dynamodb.send(
    new PutItemCommand({ TableName: table, Item: { id: { S: 'n' }, n: { N: '0' } } }),
  )
  const count = async () => {
    const { Items = [] } = await resources.dynamodb.send(new ScanCommand({ TableName: table }))
    return Number(Items[0]?.n?.N)
  }
  return { table, count }
}

/** A `payments` consumer of order.placed with leases off. */
function unleased(
  resources: ConsumerResources,
  handle: ConsumerOptions<{ 'order.placed': typeof OrderPlacedV1 }>['handle'],
) {
  return consumer({
    name: 'payments',
    events: { 'order.placed': OrderPlacedV1 },
    ...settingsFor(resources),
    leases: false,
    handle,
  })
}

describe('without leases (leases: false)', () => {
  it('writes nothing before the handler; the completion is the record’s only write', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const event = orderPlaced('o-1')
    const seen: unknown[] = []
    const handler = unleased(resources, async (received) => {
      seen.push(await recordOf(resources, received.eventId))
    })
    await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(event) }])
    expect(await pollOnce(handler, resources)).toMatchObject({
      ok: true,
      response: { batchItemFailures: [] },
    })
    expect(seen).toEqual([undefined])
    expect((await recordOf(resources, event.eventId))?.status?.S).toBe('COMPLETED')

    // Delivered again: skipped before the handler, acknowledged.
    await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(event) }])
    expect(await pollOnce(handler, resources)).toMatchObject({
      ok: true,
      response: { batchItemFailures: [] },
    })
    expect(seen).toHaveLength(1)
    expect(await queueDepth(resources.sqs, resources.queueUrl)).toBe(0)
  })

  it('copies run at once: both handle, one commits its effects, the other’s are cancelled and it is acknowledged', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const counter = await counterTable(resources)
    let handling = 0
    let bothHandling!: () => void
    const gate = new Promise<void>((resolve) => {
      bothHandling = resolve
    })
    const handler = unleased(resources, async () => {
      if (++handling === 2) bothHandling()
      await gate // neither commits before both have decided
      return [
        {
          Update: {
            TableName: counter.table,
            Key: { id: 'n' },
            UpdateExpression: 'SET n = n + :one',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ]
    })
    const event = orderPlaced('o-2')
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(event) },
      { body: JSON.stringify(event) },
    ])
    const messages = await receive(resources.sqs, resources.queueUrl)
    expect(messages).toHaveLength(2)
    // Two invocations at once, one copy each (Lambda runs batches concurrently).
    const outcomes = await Promise.all(
      messages.map((message) =>
        handler(toSqsEvent([message], resources.queueArn), lambdaContext()).then(
          (response) => response.batchItemFailures.length,
          (error: Error) => error.name,
        ),
      ),
    )
    expect(handling).toBe(2)
    expect(await counter.count()).toBe(1)
    // The loser is acknowledged as a duplicate, or (when its commit met the winner's as a
    // conflict rather than a refused condition) retried, and then a duplicate.
    const acknowledged = messages.filter((_, index) => outcomes[index] === 0)
    expect(acknowledged.length).toBeGreaterThanOrEqual(1)
    await resources.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: resources.queueUrl,
        Entries: acknowledged.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    )
    if (acknowledged.length === 1) {
      expect(outcomes).toContain('BatchFailedError')
      const again = await pollOnce(handler, resources, { waitTimeSeconds: 3 })
      expect(again).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
      expect(again.messages).toHaveLength(1)
    }
    expect(handling).toBe(2)
    expect(await counter.count()).toBe(1)
    expect(await queueDepth(resources.sqs, resources.queueUrl)).toBe(0)
    expect((await recordOf(resources, event.eventId))?.status?.S).toBe('COMPLETED')
  })

  it('counts a failure on the record, then completes the retry', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const event = orderPlaced('o-3')
    let calls = 0
    const handler = unleased(resources, async () => {
      if (++calls === 1) throw new TransientError('not yet')
    })
    await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(event) }])
    const first = await pollOnce(handler, resources)
    expect(first).toMatchObject({ ok: false, error: { name: 'BatchFailedError' } })
    const released = await recordOf(resources, event.eventId)
    expect(released?.status?.S).toBe('RELEASED')
    expect(released?.failures?.N).toBe('1')
    const again = await pollOnce(handler, resources, { waitTimeSeconds: 2 })
    expect(again).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(calls).toBe(2)
    expect((await recordOf(resources, event.eventId))?.status?.S).toBe('COMPLETED')
  })
})
