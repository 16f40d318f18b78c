import { randomUUID } from 'node:crypto'
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { ORDER_TABLE_SCHEMAS } from '../../../contracts/order-tables.ts'
import {
  CONSUMER_OUTPUT_FIELDS,
  type ConsumerOutputField,
  consumerOutputKey,
  OUTPUT_KEYS,
  STACK_ID,
} from '../../../contracts/outputs.ts'
import { createEvent, OrderCancelledV2, OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { settleEffects } from '../../../functions/consumers/orders/settle-effects.ts'
import { projectOrder } from '../../../functions/order-read-model/index.ts'
import type { OrderStreamEvent } from '../../../functions/orders/index.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { type EmbeddedAws, startEmbeddedAws } from '../../../local/embedded-aws.ts'
import { pipelineRoutes } from '../../../local/pipeline/pipeline-routes.ts'

/** A document client on the endpoint, as the consumers' shared client is configured. */
export function documentClientFor(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(emulatorClientConfig(endpoint)), {
    marshallOptions: { removeUndefinedValues: true },
  })
}

/** A fresh events table keyed as the EventStore construct keys it, with a NEW_IMAGE stream. */
export function createEventsTable(endpoint: string, name = `events-${randomUUID().slice(0, 8)}`) {
  return createStreamKeyedTable(endpoint, name, true)
}

/** A fresh snapshots table keyed as the EventStore construct keys it (no stream, as there). */
export function createSnapshotsTable(
  endpoint: string,
  name = `snapshots-${randomUUID().slice(0, 8)}`,
) {
  return createStreamKeyedTable(endpoint, name, false)
}

/** A table keyed `pk` (S) stream id + `sk` (N) version, the event store's key schema. */
async function createStreamKeyedTable(endpoint: string, name: string, stream: boolean) {
  await new DynamoDBClient(emulatorClientConfig(endpoint)).send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      ...(stream
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } }
        : {}),
    }),
  )
  return name
}

/** The DynamoDB requests sent on a client from now on, by command name and input. */
export function countRequests(client: DynamoDBDocumentClient) {
  const requests: { name: string; input: Record<string, unknown> }[] = []
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>
  client.send = ((command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    requests.push({ name: command.constructor.name.replace(/Command$/, ''), input: command.input })
    return send(command)
  }) as typeof client.send
  return {
    requests,
    /** Forgets the requests so far. */
    reset: () => {
      requests.length = 0
    },
  }
}

/** An order.placed event at a given time. */
export function placed(orderId: string, at: string, eventId: string = randomUUID()) {
  return createEvent(
    OrderPlacedV1,
    {
      orderId,
      customerId: 'c-1',
      items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 5 }],
      total: 10,
    },
    { source: 'test', eventId, timestamp: new Date(at), correlationId: `corr-${orderId}` },
  )
}

/** An order.cancelled event at a given time. */
export function cancelled(orderId: string, at: string, eventId: string = randomUUID()) {
  return createEvent(
    OrderCancelledV2,
    { orderId, reason: 'changed mind', cancelledBy: 'customer' },
    { source: 'test', eventId, timestamp: new Date(at), correlationId: `corr-${orderId}` },
  )
}

/**
 * An embedded AWS that serves stack outputs at `/_pipeline/stack` as `pipeline dev` does,
 * with a real events table and orders table behind them (every other output a placeholder),
 * so the CLI's event store commands run against it without the whole pipeline.
 */
export async function startEventStoreStack(): Promise<{
  readonly aws: EmbeddedAws
  readonly endpoint: string
  readonly eventsTable: string
  readonly ordersTable: string
  stop(): Promise<void>
}> {
  let outputs: Record<string, string> | undefined
  const aws = await startEmbeddedAws({
    port: 0,
    routes: pipelineRoutes(() =>
      outputs
        ? {
            stack: { stackName: STACK_ID, region: 'us-east-1', outputs },
            status: () => ({ startedAt: '', functions: {}, oldestMessageAgeSeconds: {} }),
          }
        : undefined,
    ),
  })
  const eventsTable = await createEventsTable(aws.endpoint)
  const ordersTable = await createOrdersTable(aws.endpoint)
  outputs = {
    ...Object.fromEntries(Object.values(OUTPUT_KEYS).map((key) => [key, `unused-${key}`])),
    [OUTPUT_KEYS.consumerNames]: 'projections',
    ...Object.fromEntries(
      (Object.keys(CONSUMER_OUTPUT_FIELDS) as ConsumerOutputField[]).map((field) => [
        consumerOutputKey('projections', field),
        `unused-${field}`,
      ]),
    ),
    [OUTPUT_KEYS.eventsTableName]: eventsTable,
    [OUTPUT_KEYS.ordersTableName]: ordersTable,
  }
  return { aws, endpoint: aws.endpoint, eventsTable, ordersTable, stop: () => aws.stop() }
}

/**
 * A fresh orders read-model table, keyed `orderId` with the `byCustomer` index, as the
 * OrderReadModels construct creates it.
 */
export async function createOrdersTable(
  endpoint: string,
  name = `orders-${randomUUID().slice(0, 8)}`,
) {
  const { partitionKey, byCustomerIndex: index } = ORDER_TABLE_SCHEMAS.orders
  const dynamodb = new DynamoDBClient(emulatorClientConfig(endpoint))
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [partitionKey, index.partitionKey, index.sortKey].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      GlobalSecondaryIndexes: [
        {
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  )
  dynamodb.destroy()
  return name
}

/**
 * Records order events as the orders service does (each in its order's stream), then
 * projects them as the projections consumer does, committing each one's writes.
 */
export async function projectLive(
  client: DynamoDBDocumentClient,
  tables: { eventsTable: string; ordersTable: string },
  events: readonly OrderStreamEvent[],
): Promise<void> {
  for (const event of events) await recordOrderEvent(client, tables.eventsTable, event)
  for (const event of events) {
    const { writes } = await projectOrder(event, {
      client,
      table: tables.ordersTable,
      eventsTable: tables.eventsTable,
    })
    if (writes.length > 0) await client.send(new TransactWriteCommand({ TransactItems: writes }))
  }
}

/** What the orders service does about an order event, committed: recorded, then settled. */
export async function recordOrderEvent(
  client: DynamoDBDocumentClient,
  eventsTable: string,
  event: OrderStreamEvent,
): Promise<void> {
  const { writes } = await settleEffects(event, { client, eventsTable, now: new Date() })
  if (writes.length > 0) await client.send(new TransactWriteCommand({ TransactItems: writes }))
}
