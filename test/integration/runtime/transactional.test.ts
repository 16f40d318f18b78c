import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import { OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { consumer } from '../../../functions/runtime/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderPlaced } from './events.ts'
import {
  type ConsumerResources,
  createConsumerResources,
  lambdaContext,
  pollOnce,
  receive,
  sendBodies,
  settingsFor,
  toSqsEvent,
} from './fixture.ts'

const aws = useEmbeddedAws()

async function inventoryTable(resources: ConsumerResources, stock: Record<string, number>) {
  const table = `inventory-${resources.table}`
  await resources.dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'sku', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  for (const [sku, available] of Object.entries(stock)) {
    await resources.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: { sku: { S: sku }, available: { N: String(available) } },
      }),
    )
  }
  const stockOf = async (sku: string) => {
    const result = await resources.dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { sku: { S: sku } }, ConsistentRead: true }),
    )
    return Number(result.Item?.available?.N)
  }
  return { table, stockOf }
}

/** Reserves each line: one conditional Update per line, committed with the idempotency record. */
function reserving(
  table: string,
  resources: ConsumerResources,
  extra: Record<string, unknown> = {},
) {
  return consumer({
    name: 'inventory',
    events: { 'order.placed': OrderPlacedV1 },
    ...settingsFor(resources),
    ...extra,
    async handle(event) {
      return event.payload.items.map((line) => ({
        Update: {
          TableName: table,
          Key: { sku: line.sku },
          UpdateExpression: 'SET available = available - :q',
          ConditionExpression: 'available >= :q',
          ExpressionAttributeValues: { ':q': line.quantity },
        },
      }))
    },
  })
}

function placedWith(orderId: string, items: { sku: string; quantity: number }[]) {
  const event = orderPlaced(orderId)
  const lines = items.map((i) => ({ ...i, unitPrice: 1 }))
  return {
    ...event,
    payload: { ...event.payload, items: lines, total: lines.reduce((s, l) => s + l.quantity, 0) },
  }
}

describe('transactional mode', () => {
  it('commits the handler writes with the idempotency record; a duplicate changes nothing', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const { table, stockOf } = await inventoryTable(resources, { A: 10, B: 5 })
    const handler = reserving(table, resources)
    const event = placedWith('o-1', [
      { sku: 'A', quantity: 3 },
      { sku: 'B', quantity: 1 },
    ])
    for (let i = 0; i < 2; i++) {
      await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(event) }])
      expect(await pollOnce(handler, resources)).toMatchObject({
        ok: true,
        response: { batchItemFailures: [] },
      })
    }
    expect([await stockOf('A'), await stockOf('B')]).toEqual([7, 4])
  })

  it('is all or nothing: one failed condition commits no write and leaves the event unprocessed', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const { table, stockOf } = await inventoryTable(resources, { A: 10, B: 0 })
    const handler = reserving(table, resources, { random: () => 0 })
    const event = placedWith('o-2', [
      { sku: 'A', quantity: 3 },
      { sku: 'B', quantity: 1 },
    ])
    await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(event) }])
    const invocation = await pollOnce(handler, resources)
    expect(invocation.ok).toBe(false)
    if (invocation.ok) return
    expect((invocation.error.cause as Error).name).toBe('EffectsRejectedError')
    expect((invocation.error.cause as Error).message).toMatch(/write 1: ConditionalCheckFailed/)
    expect([await stockOf('A'), await stockOf('B')]).toEqual([10, 0])

    // The record was released, not completed: once stock arrives, the retry commits.
    await resources.dynamodb.send(
      new PutItemCommand({ TableName: table, Item: { sku: { S: 'B' }, available: { N: '2' } } }),
    )
    const retry = await pollOnce(handler, resources, { waitTimeSeconds: 2 })
    expect(retry).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(retry.messages).toHaveLength(1)
    expect([await stockOf('A'), await stockOf('B')]).toEqual([7, 1])
  })

  it('takes up to 99 writes besides the record; refuses more, saying how many, and commits none', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const { table, stockOf } = await inventoryTable(resources, {})
    const taking = (writes: number) =>
      consumer({
        name: 'inventory',
        events: { 'order.placed': OrderPlacedV1 },
        ...settingsFor(resources),
        async handle(event) {
          return Array.from({ length: writes }, (_, i) => ({
            Put: {
              TableName: table,
              Item: { sku: `${event.payload.orderId}-${i}`, available: 1 },
            },
          }))
        },
      })
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(placedWith('o-100', [{ sku: 'A', quantity: 1 }])) },
    ])
    const refused = await pollOnce(taking(100), resources)
    expect(refused.ok).toBe(false)
    if (refused.ok) return
    expect(refused.error.cause).toMatchObject({
      name: 'EffectsRejectedError',
      message:
        'inventory#' +
        JSON.parse(refused.messages[0]!.Body!).eventId +
        ': the handler returned 100 writes; one transaction takes at most 99 besides the idempotency record',
    })
    expect(await stockOf('o-100-0')).toBeNaN()

    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(placedWith('o-99', [{ sku: 'A', quantity: 1 }])) },
    ])
    const taken = await pollOnce(taking(99), resources)
    expect(taken).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect([await stockOf('o-99-0'), await stockOf('o-99-98')]).toEqual([1, 1])
  })

  it('commits nothing for a stale owner whose lease was taken over', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const { table, stockOf } = await inventoryTable(resources, { A: 10 })
    let clock = Date.now()
    const now = () => clock
    let proceed!: () => void
    const gate = new Promise<void>((resolve) => {
      proceed = resolve
    })
    let started!: () => void
    const running = new Promise<void>((resolve) => {
      started = resolve
    })
    const stale = consumer({
      name: 'inventory',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      leaseSeconds: 5,
      now,
      async handle(event) {
        started()
        await gate
        return [
          {
            Update: {
              TableName: table,
              Key: { sku: 'A' },
              UpdateExpression: 'SET available = available - :q',
              ExpressionAttributeValues: { ':q': event.payload.items[0]!.quantity },
            },
          },
        ]
      },
    })
    const fresh = reserving(table, resources, { leaseSeconds: 5, now })
    const event = placedWith('o-3', [{ sku: 'A', quantity: 4 }])
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(event) },
      { body: JSON.stringify(event) },
    ])
    const [a, b] = await receive(resources.sqs, resources.queueUrl)
    const staleRun = stale(toSqsEvent([a!], resources.queueArn), lambdaContext())
    await running
    clock += 6_000
    await expect(fresh(toSqsEvent([b!], resources.queueArn), lambdaContext())).resolves.toEqual({
      batchItemFailures: [],
    })
    proceed()
    const staleError = await staleRun.catch((error: Error) => error)
    expect((staleError as Error).cause).toMatchObject({ name: 'LeaseLostError' })
    expect(await stockOf('A')).toBe(6) // reserved once, by the new owner
  })
})
