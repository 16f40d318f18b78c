import { CreateTableCommand } from '@aws-sdk/client-dynamodb'
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { beforeAll, describe, expect, it } from 'vitest'
import { createEvent, OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { documentClient } from '../../../functions/consumers/shared/dynamodb.ts'
import { processDynamoDb } from '../../../functions/runtime/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { createEventsTable } from '../event-store/fixture.ts'
import { attributesOf } from '../runtime/events.ts'
import {
  type ConsumerResources,
  createConsumerResources,
  pollOnce,
  sendBodies,
} from '../runtime/fixture.ts'

const aws = useEmbeddedAws()

/**
 * The inventory consumer's real handler (configured by its environment, as the stack
 * configures it) on the consumer runtime, its DynamoDB requests counted on both process
 * clients: on the success path each record's effects (the reservation stream's append, the
 * stock taken, the reservation item) and its idempotency record commit in one
 * TransactWriteItems; with leases off (decision 0006) nothing else writes, and one read of
 * the batch's idempotency records replaces the leases' transaction.
 */
describe("the inventory consumer's requests", () => {
  let resources: ConsumerResources
  let handler: typeof import('../../../functions/consumers/inventory/handler.ts').handler
  const inventoryTable = 'inventory-requests'
  let eventsTable: string
  const requests: { name: string; tables: string[] }[] = []

  beforeAll(async () => {
    resources = await createConsumerResources(aws.endpoint)
    eventsTable = await createEventsTable(aws.endpoint)
    await resources.dynamodb.send(
      new CreateTableCommand({
        TableName: inventoryTable,
        KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'sku', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
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
      INVENTORY_TABLE: inventoryTable,
      EVENTS_TABLE: eventsTable,
    })
    // Both process clients (the runtime's, the handler's) send through this counter.
    for (const client of [processDynamoDb(), documentClient()]) {
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as {
            TableName?: string
            TransactItems?: Record<string, { TableName: string }>[]
            RequestItems?: Record<string, unknown>
          }
          requests.push({
            name: (context.commandName ?? '').replace(/Command$/, ''),
            tables: input.TransactItems
              ? input.TransactItems.map((item) => Object.values(item)[0]!.TableName)
              : input.RequestItems
                ? Object.keys(input.RequestItems)
                : [input.TableName ?? ''],
          })
          return next(args)
        },
        { step: 'initialize', name: 'countRequests' },
      )
    }
    handler = (await import('../../../functions/consumers/inventory/handler.ts')).handler
    await documentClient().send(
      new PutCommand({
        TableName: inventoryTable,
        Item: { sku: 'MUG', available: 100, reserved: 0 },
      }),
    )
  })

  it('one transaction per record with effects, one read of the batch’s records, no other write', async () => {
    const orders = Array.from({ length: 5 }, (_, i) =>
      createEvent(
        OrderPlacedV1,
        {
          orderId: `req-${i}`,
          customerId: 'c-1',
          items: [{ sku: 'MUG', quantity: 2, unitPrice: 8.5 }],
          total: 17,
        },
        { source: 'test' },
      ),
    )
    await sendBodies(
      resources.sqs,
      resources.queueUrl,
      orders.map((event) => ({ body: JSON.stringify(event), attributes: attributesOf(event) })),
    )
    requests.length = 0
    expect(await pollOnce(handler, resources)).toMatchObject({
      ok: true,
      response: { batchItemFailures: [] },
      messages: expect.arrayContaining([expect.anything()]),
    })
    const transactions = requests.filter((r) => r.name === 'TransactWriteItems')
    const effects = transactions.filter((t) => t.tables.includes(eventsTable))
    expect(effects).toHaveLength(5)
    for (const t of effects) {
      // The version check (none on a new stream), the recorded order, the decision, the stock
      // update, the reservation item, and the completion of the idempotency record.
      expect(t.tables.sort()).toEqual(
        [eventsTable, eventsTable, inventoryTable, inventoryTable, resources.table].sort(),
      )
    }
    // Nothing else: no lease is written.
    expect(transactions).toHaveLength(5)
    expect(requests.filter((r) => /^(Put|Update|Delete)Item$|BatchWrite/.test(r.name))).toEqual([])
    // The reads: the batch's idempotency records (one request), the stock of each order, its stream.
    const batchReads = requests.filter((r) => r.name === 'BatchGetItem')
    expect(batchReads.filter((r) => r.tables.includes(resources.table))).toHaveLength(1)
    expect(batchReads).toHaveLength(6)
    expect(requests.filter((r) => r.name === 'Query')).toHaveLength(5)
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: inventoryTable, Key: { sku: 'MUG' } }),
    )
    expect(Item).toMatchObject({ available: 90, reserved: 10 })
  })
})
