import { randomUUID } from 'node:crypto'
import {
  type AttributeDefinition,
  CreateTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb'
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns'
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb'
import { marshall } from '@aws-sdk/util-dynamodb'
import type { DynamoDBStreamEvent } from 'aws-lambda'
import { beforeAll, describe, expect, it } from 'vitest'
import { type EventOf, OrderCancelledV2, OrderPlacedV1 } from '../../functions/catalogue/index.ts'
import { releaseStock, reserveStock } from '../../functions/consumers/inventory/stock.ts'
import { recordNotification } from '../../functions/consumers/notifications/notify.ts'
import { authorizePayment } from '../../functions/consumers/payments/authorize.ts'
import { projectOrder } from '../../functions/order-read-model/index.ts'
import { handler as outboxHandler } from '../../functions/outbox-publisher/handler.ts'
import { emulatorClientConfig } from '../../local/client-config.ts'
import { useEmbeddedAws } from '../support/embedded-aws.ts'

// The demo consumers' domain code on the embedded AWS (real DynamoDB semantics: conditions,
// transactions, reserved words), and the outbox publisher as Lambda calls it. The consumer
// handlers themselves run on the consumer runtime, which has its own tests.
const embedded = useEmbeddedAws()
let dynamo: DynamoDBDocumentClient
const now = '2026-05-01T12:00:00.000Z'

async function createTable(name: string, keys: [string, 'S' | 'N'][]) {
  const raw = new DynamoDBClient(emulatorClientConfig(embedded.endpoint))
  await raw.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keys.map(
        ([AttributeName, AttributeType]): AttributeDefinition => ({ AttributeName, AttributeType }),
      ),
      KeySchema: keys.map(
        ([AttributeName], i): KeySchemaElement => ({
          AttributeName,
          KeyType: i === 0 ? 'HASH' : 'RANGE',
        }),
      ),
    }),
  )
}

const placed = (
  orderId: string,
  items: { sku: string; quantity: number; unitPrice: number }[],
): EventOf<typeof OrderPlacedV1> =>
  OrderPlacedV1.envelope.parse(
    envelope('order.placed', {
      orderId,
      customerId: 'c-1',
      items,
      total: items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0),
    }),
  )
const cancelled = (orderId: string, reason: string): EventOf<typeof OrderCancelledV2> =>
  OrderCancelledV2.envelope.parse({
    ...envelope('order.cancelled', { orderId, reason, cancelledBy: 'customer' }),
    version: 2,
  })
function envelope(eventType: string, payload: unknown) {
  return {
    eventId: randomUUID(),
    eventType,
    version: 1,
    timestamp: now,
    source: 'test',
    correlationId: 'corr-1',
    payload,
  }
}
beforeAll(async () => {
  dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(emulatorClientConfig(embedded.endpoint)))
  await createTable('inventory', [['sku', 'S']])
  await createTable('payments', [['orderId', 'S']])
  await createTable('events', [
    ['pk', 'S'],
    ['sk', 'N'],
  ])
  await createTable('notifications', [
    ['pk', 'S'],
    ['sk', 'S'],
  ])
  await createTable('orders', [['orderId', 'S']])
})

const stock = async (sku: string) =>
  (await dynamo.send(new GetCommand({ TableName: 'inventory', Key: { sku } }))).Item
const restock = (sku: string, available: number) =>
  dynamo.send(new PutCommand({ TableName: 'inventory', Item: { sku, available, reserved: 0 } }))

describe('inventory', () => {
  const deps = () => ({ client: dynamo, table: 'inventory', now })

  it('reserves every line at once, and a redelivered event reserves nothing more', async () => {
    await restock('A', 10)
    await restock('B', 5)
    const event = placed('o-1', [
      { sku: 'A', quantity: 2, unitPrice: 1 },
      { sku: 'B', quantity: 1, unitPrice: 1 },
      { sku: 'A', quantity: 1, unitPrice: 1 },
    ])
    expect(await reserveStock(event, deps())).toEqual({
      outcome: 'reserved',
      lines: { A: 3, B: 1 },
    })
    expect(await reserveStock(event, deps())).toEqual({ outcome: 'duplicate' })
    expect(await stock('A')).toMatchObject({ available: 7, reserved: 3 })
    expect(await stock('B')).toMatchObject({ available: 4, reserved: 1 })
  })

  it('rejects an order with a short or unknown SKU and takes nothing', async () => {
    await restock('C', 1)
    await restock('D', 10)
    const event = placed('o-2', [
      { sku: 'D', quantity: 2, unitPrice: 1 },
      { sku: 'C', quantity: 2, unitPrice: 1 },
      { sku: 'unknown', quantity: 1, unitPrice: 1 },
    ])
    expect(await reserveStock(event, deps())).toEqual({
      outcome: 'rejected',
      shortSkus: ['C', 'unknown'],
    })
    expect(await stock('D')).toMatchObject({ available: 10, reserved: 0 })
    expect(await stock('reservation#o-2')).toMatchObject({ status: 'rejected' })
    expect(await reserveStock(event, deps())).toEqual({ outcome: 'duplicate' })
  })

  it('gives a cancelled order its stock back once', async () => {
    await restock('E', 5)
    await reserveStock(placed('o-3', [{ sku: 'E', quantity: 4, unitPrice: 1 }]), deps())
    const cancellation = cancelled('o-3', 'x')
    expect(await releaseStock(cancellation, deps())).toEqual({ outcome: 'released' })
    expect(await releaseStock(cancellation, deps())).toEqual({ outcome: 'duplicate' })
    expect(await stock('E')).toMatchObject({ available: 5, reserved: 0 })
  })

  it('does not reserve for an order cancelled before it was placed', async () => {
    await restock('F', 5)
    const cancellation = cancelled('o-4', 'x')
    expect(await releaseStock(cancellation, deps())).toEqual({ outcome: 'nothing-reserved' })
    expect(
      await reserveStock(placed('o-4', [{ sku: 'F', quantity: 1, unitPrice: 1 }]), deps()),
    ).toEqual({ outcome: 'duplicate' })
    expect(await stock('F')).toMatchObject({ available: 5 })
  })
})

describe('payments', () => {
  it('records one authorization and appends payment.authorized to the event store, once', async () => {
    let id = 0
    const deps = {
      client: dynamo,
      paymentsTable: 'payments',
      eventsTable: 'events',
      now,
      newId: () => `id-${++id}`,
    }
    const event = placed('o-10', [{ sku: 'A', quantity: 2, unitPrice: 10.5 }])
    expect(await authorizePayment(event, deps)).toEqual({
      outcome: 'authorized',
      paymentId: 'pay-id-1',
    })
    expect(await authorizePayment(event, deps)).toEqual({ outcome: 'duplicate' })
    const payment = await dynamo.send(
      new GetCommand({ TableName: 'payments', Key: { orderId: 'o-10' } }),
    )
    expect(payment.Item).toMatchObject({ paymentId: 'pay-id-1', amount: 21, status: 'authorized' })
    const stored = await dynamo.send(
      new QueryCommand({
        TableName: 'events',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'payment-o-10' },
      }),
    )
    expect(stored.Items).toEqual([
      {
        pk: 'payment-o-10',
        sk: 1,
        eventId: 'id-2',
        eventType: 'payment.authorized',
        version: 1,
        timestamp: now,
        source: 'payments',
        correlationId: 'corr-1',
        causationId: event.eventId,
        payload: { orderId: 'o-10', paymentId: 'pay-id-1', customerId: 'c-1', amount: 21 },
        origin: 'decided',
      },
    ])
  })
})

describe('notifications', () => {
  it('records one notification per order event', async () => {
    const deps = { client: dynamo, table: 'notifications', now }
    const event = placed('o-20', [{ sku: 'A', quantity: 3, unitPrice: 2 }])
    expect(await recordNotification(event, deps)).toEqual({ outcome: 'recorded' })
    expect(await recordNotification(event, deps)).toEqual({ outcome: 'duplicate' })
    const cancellation = cancelled('o-20', 'late')
    await recordNotification(cancellation, deps)
    const items = await dynamo.send(
      new QueryCommand({
        TableName: 'notifications',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'order#o-20' },
      }),
    )
    expect(items.Items?.map((i) => i.subject).sort()).toEqual([
      'Order o-20 cancelled',
      'Order o-20 received',
    ])
    expect(items.Items?.find((i) => i.eventType === 'order.placed')).toMatchObject({
      recipient: 'customer:c-1',
      body: 'We received your order o-20: 3 item(s), total 6.00.',
    })
  })
})

describe('projections', () => {
  const deps = () => ({ client: dynamo, table: 'orders', eventsTable: 'events' })
  const view = async (orderId: string) =>
    (await dynamo.send(new GetCommand({ TableName: 'orders', Key: { orderId } }))).Item
  // What the consumer runtime does with the writes: one transaction (with its idempotency record).
  const project = async (event: Parameters<typeof projectOrder>[0]) => {
    const result = await projectOrder(event, deps())
    if (result.writes.length > 0) {
      await dynamo.send(new TransactWriteCommand({ TransactItems: result.writes }))
    }
    return result
  }

  it('records the order events in the order stream and projects the read model from it', async () => {
    const placement = placed('o-30', [{ sku: 'A', quantity: 1, unitPrice: 5 }])
    expect(await project(placement)).toMatchObject({ outcome: 'projected', version: 1 })
    expect(await view('o-30')).toMatchObject({
      customerId: 'c-1',
      status: 'placed',
      total: 5,
      itemCount: 1,
      version: 1,
    })
    await project(cancelled('o-30', 'changed mind'))
    expect(await view('o-30')).toMatchObject({
      status: 'cancelled',
      cancelReason: 'changed mind',
      total: 5,
      version: 2,
    })
    expect(await project(placement)).toMatchObject({ outcome: 'duplicate', writes: [] })
    const stream = await dynamo.send(
      new QueryCommand({
        TableName: 'events',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'order-o-30' },
      }),
    )
    expect(stream.Items?.map((i) => [i.sk, i.eventType, i.origin])).toEqual([
      [1, 'order.placed', 'recorded'],
      [2, 'order.cancelled', 'recorded'],
    ])
  })

  it('converges when the cancellation arrives before the placement', async () => {
    await project(cancelled('o-31', 'r'))
    await project(placed('o-31', [{ sku: 'A', quantity: 2, unitPrice: 1 }]))
    expect(await view('o-31')).toMatchObject({
      status: 'cancelled',
      customerId: 'c-1',
      placedAt: now,
    })
  })
})

describe('outbox publisher', () => {
  it('puts decided stored events on the bus with their attributes, skips recorded ones, and names the first record it could not publish', async () => {
    const config = emulatorClientConfig(embedded.endpoint)
    const sns = new SNSClient(config)
    const sqs = new SQSClient(config)
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'bus' }))
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'tap' }))
    const queueArn = `arn:aws:sqs:us-east-1:000000000000:tap`
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    )
    process.env.AWS_ENDPOINT_URL = embedded.endpoint
    process.env.AWS_REGION = 'us-east-1'
    process.env.AWS_ACCESS_KEY_ID = 'test'
    process.env.AWS_SECRET_ACCESS_KEY = 'test'
    process.env.EVENT_TOPIC_ARN = TopicArn
    const stored = {
      pk: 'payment-o-40',
      sk: 1,
      eventId: 'e-40',
      eventType: 'payment.authorized',
      version: 1,
      timestamp: now,
      source: 'payments',
      correlationId: 'corr-40',
      payload: { orderId: 'o-40', amount: 3 },
      origin: 'decided',
    }
    const record = (image: Record<string, unknown>, seq: string, eventName = 'INSERT') => ({
      eventName,
      dynamodb: { SequenceNumber: seq, NewImage: marshall(image) },
    })
    const event = {
      Records: [
        record(stored, '100'),
        record({ ...stored, eventId: 'e-41' }, '101', 'MODIFY'),
        // Recorded from the bus: on it already, so skipped (the stream mapping filters it too).
        record({ ...stored, eventId: 'e-42', origin: 'recorded' }, '101.5'),
        record({ pk: 'broken', sk: 2 }, '102'),
        record({ ...stored, eventId: 'e-43' }, '103'),
      ],
    } as unknown as DynamoDBStreamEvent
    expect(await outboxHandler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: '102' }] })
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    )
    expect(received.Messages).toHaveLength(1)
    const message = received.Messages![0]!
    expect(JSON.parse(message.Body!)).toEqual({
      eventId: 'e-40',
      eventType: 'payment.authorized',
      version: 1,
      timestamp: now,
      source: 'payments',
      correlationId: 'corr-40',
      payload: { orderId: 'o-40', amount: 3 },
    })
    expect(message.MessageAttributes).toMatchObject({
      eventType: { DataType: 'String', StringValue: 'payment.authorized' },
      version: { DataType: 'String', StringValue: '1' },
    })
  })
})
