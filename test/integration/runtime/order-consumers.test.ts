import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { createEventsTable } from '../event-store/fixture.ts'
import { orderPlaced } from './events.ts'
import { type ConsumerResources, createConsumerResources, pollOnce, sendBodies } from './fixture.ts'

const aws = useEmbeddedAws()

/**
 * The order stack's inventory consumer as Lambda runs it: configured only by its
 * environment, its SDK clients created once per process with the endpoint from
 * AWS_ENDPOINT_URL.
 */
describe('inventory consumer on the runtime', () => {
  let resources: ConsumerResources
  let handler: typeof import('../../../functions/consumers/inventory/handler.ts').handler
  const table = `inventory-${Date.now()}`
  const savedEnv = { ...process.env }

  beforeAll(async () => {
    resources = await createConsumerResources(aws.endpoint)
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      CONSUMER_NAME: 'inventory',
      QUEUE_URL: resources.queueUrl,
      DLQ_URL: resources.dlqUrl,
      MAX_RECEIVE_COUNT: '3',
      IDEMPOTENCY_TABLE: resources.table,
      INVENTORY_TABLE: table,
      // Inventory keeps each order's reservation as a stream in the event store.
      EVENTS_TABLE: await createEventsTable(aws.endpoint),
    })
    await resources.dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'sku', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
    await resources.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: { sku: { S: 'SKU-1' }, available: { N: '10' } },
      }),
    )
    handler = (await import('../../../functions/consumers/inventory/handler.ts')).handler
  })

  // The environment is the process's: files that share a worker (npm run mutate runs them
  // in one, isolate: false) must not find this consumer's name and this file's stopped
  // endpoint in it.
  afterAll(() => {
    process.env = savedEnv
  })

  it('reserves stock once for an order delivered twice', async () => {
    const event = orderPlaced('o-inv') // 2 × SKU-1
    for (let i = 0; i < 2; i++) {
      await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(event) }])
      expect(await pollOnce(handler, resources)).toMatchObject({
        ok: true,
        response: { batchItemFailures: [] },
      })
    }
    const stock = await resources.dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { sku: { S: 'SKU-1' } }, ConsistentRead: true }),
    )
    expect(stock.Item).toMatchObject({ available: { N: '8' }, reserved: { N: '2' } })
    const idempotency = await resources.dynamodb.send(
      new GetItemCommand({
        TableName: resources.table,
        Key: { id: { S: `inventory#${event.eventId}` } },
        ConsistentRead: true,
      }),
    )
    expect(idempotency.Item?.status?.S).toBe('COMPLETED')
  })
})
