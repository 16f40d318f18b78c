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
import { reservationKey, stockEffects } from '../../functions/consumers/inventory/stock-effects.ts'
import { recordNotification } from '../../functions/consumers/notifications/notify.ts'
import { settleEffects } from '../../functions/consumers/orders/settle-effects.ts'
import { DECLINED_CUSTOMER } from '../../functions/consumers/payments/card-provider.ts'
import { paymentEffects } from '../../functions/consumers/payments/payment-effects.ts'
import { EventStore } from '../../functions/event-store/index.ts'
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

type Writes = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>
const transact = (writes: Writes) =>
  dynamo.send(new TransactWriteCommand({ TransactItems: writes }))
/** What the consumer runtime does with a handler's writes: one transaction (with its idempotency record). */
const commit = async <T extends { writes: Writes }>(pending: Promise<T>): Promise<T> => {
  const effects = await pending
  if (effects.writes.length > 0) await transact(effects.writes)
  return effects
}
const streamOf = async (streamId: string) =>
  (
    await dynamo.send(
      new QueryCommand({
        TableName: 'events',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': streamId },
      }),
    )
  ).Items?.map((i) => [i.eventType, i.origin])
const at = new Date(now)

describe('inventory', () => {
  const reserveOrRelease = (event: Parameters<typeof stockEffects>[0]) =>
    commit(
      stockEffects(event, { client: dynamo, table: 'inventory', eventsTable: 'events', now: at }),
    )
  const reservation = async (orderId: string) =>
    (
      await dynamo.send(
        new GetCommand({ TableName: 'inventory', Key: { sku: reservationKey(orderId) } }),
      )
    ).Item

  it('reserves every line at once, and a redelivered event reserves nothing more', async () => {
    await restock('A', 10)
    await restock('B', 5)
    const event = placed('o-1', [
      { sku: 'A', quantity: 2, unitPrice: 1 },
      { sku: 'B', quantity: 1, unitPrice: 1 },
      { sku: 'A', quantity: 1, unitPrice: 1 },
    ])
    expect(await reserveOrRelease(event)).toMatchObject({
      outcome: 'reserved',
      decided: ['inventory.reserved'],
    })
    expect(await reserveOrRelease(event)).toMatchObject({ outcome: 'duplicate', writes: [] })
    expect(await stock('A')).toMatchObject({ available: 7, reserved: 3 })
    expect(await stock('B')).toMatchObject({ available: 4, reserved: 1 })
    expect(await reservation('o-1')).toMatchObject({
      status: 'reserved',
      lines: [
        { sku: 'A', quantity: 3 },
        { sku: 'B', quantity: 1 },
      ],
    })
    expect(await streamOf('inventory-o-1')).toEqual([
      ['order.placed', 'recorded'],
      ['inventory.reserved', 'decided'],
    ])
  })

  it('rejects an order with a short or unknown SKU, naming them, and takes nothing', async () => {
    await restock('C', 1)
    await restock('D', 10)
    const event = placed('o-2', [
      { sku: 'D', quantity: 2, unitPrice: 1 },
      { sku: 'C', quantity: 2, unitPrice: 1 },
      { sku: 'unknown', quantity: 1, unitPrice: 1 },
    ])
    expect(await reserveOrRelease(event)).toMatchObject({
      outcome: 'rejected',
      decided: ['inventory.rejected'],
    })
    expect(await reservation('o-2')).toMatchObject({
      status: 'rejected',
      shortSkus: [
        { sku: 'C', requested: 2, available: 1 },
        { sku: 'unknown', requested: 1, available: 0 },
      ],
    })
    expect(await stock('D')).toMatchObject({ available: 10, reserved: 0 })
  })

  it('gives a cancelled order its stock back once', async () => {
    await restock('E', 4)
    await reserveOrRelease(placed('o-3', [{ sku: 'E', quantity: 3, unitPrice: 1 }]))
    const cancellation = cancelled('o-3', 'changed mind')
    expect(await reserveOrRelease(cancellation)).toMatchObject({
      outcome: 'released',
      decided: ['inventory.released'],
    })
    expect(await reserveOrRelease(cancellation)).toMatchObject({ outcome: 'duplicate' })
    expect(await stock('E')).toMatchObject({ available: 4, reserved: 0 })
  })

  it('does not reserve for an order cancelled before it was placed', async () => {
    await restock('F', 4)
    expect(await reserveOrRelease(cancelled('o-4', 'early'))).toMatchObject({ decided: [] })
    expect(
      await reserveOrRelease(placed('o-4', [{ sku: 'F', quantity: 1, unitPrice: 1 }])),
    ).toMatchObject({ outcome: 'none', decided: [] })
    expect(await stock('F')).toMatchObject({ available: 4, reserved: 0 })
  })

  it('a reservation whose stock another order took meanwhile: the transaction is cancelled', async () => {
    await restock('G', 1)
    const first = await stockEffects(placed('o-5', [{ sku: 'G', quantity: 1, unitPrice: 1 }]), {
      client: dynamo,
      table: 'inventory',
      eventsTable: 'events',
      now: at,
    })
    await reserveOrRelease(placed('o-6', [{ sku: 'G', quantity: 1, unitPrice: 1 }]))
    await expect(transact(first.writes)).rejects.toThrow(/ConditionalCheckFailed/)
    // The retry decides on the stock left: none.
    expect(
      await reserveOrRelease(placed('o-5', [{ sku: 'G', quantity: 1, unitPrice: 1 }])),
    ).toMatchObject({ outcome: 'rejected' })
    expect(await stock('G')).toMatchObject({ available: 0, reserved: 1 })
  })
})

describe('payments', () => {
  const pay = (event: Parameters<typeof paymentEffects>[0]) =>
    commit(
      paymentEffects(event, {
        client: dynamo,
        paymentsTable: 'payments',
        eventsTable: 'events',
        now: at,
      }),
    )
  const payment = async (orderId: string) =>
    (await dynamo.send(new GetCommand({ TableName: 'payments', Key: { orderId } }))).Item

  it("authorizes the order's total through the decider, once, and voids it on cancellation", async () => {
    const event = placed('o-10', [{ sku: 'A', quantity: 2, unitPrice: 10.5 }])
    expect(await pay(event)).toMatchObject({
      outcome: 'authorized',
      decided: ['payment.authorized'],
    })
    expect(await pay(event)).toMatchObject({ outcome: 'duplicate', writes: [] })
    expect(await payment('o-10')).toMatchObject({
      paymentId: 'pay-o-10',
      amount: 21,
      status: 'authorized',
    })
    expect(await pay(cancelled('o-10', 'changed mind'))).toMatchObject({
      outcome: 'voided',
      decided: ['payment.voided'],
    })
    expect(await payment('o-10')).toMatchObject({ status: 'voided', cancelled: true })
    const stored = await dynamo.send(
      new QueryCommand({
        TableName: 'events',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'payment-o-10' },
      }),
    )
    expect(stored.Items?.map((i) => [i.sk, i.eventType, i.origin])).toEqual([
      [1, 'order.placed', 'recorded'],
      [2, 'payment.authorized', 'decided'],
      [3, 'order.cancelled', 'recorded'],
      [4, 'payment.voided', 'decided'],
    ])
    expect(stored.Items?.[1]).toMatchObject({
      source: 'payments',
      correlationId: 'corr-1',
      causationId: event.eventId,
      payload: { orderId: 'o-10', paymentId: 'pay-o-10', customerId: 'c-1', amount: 21 },
    })
  })

  it('declines the demo customer whose card is declined', async () => {
    const event = {
      ...placed('o-11', [{ sku: 'A', quantity: 1, unitPrice: 3 }]),
    }
    const declinedOrder = OrderPlacedV1.envelope.parse({
      ...event,
      payload: { ...event.payload, customerId: DECLINED_CUSTOMER },
    })
    expect(await pay(declinedOrder)).toMatchObject({
      outcome: 'declined',
      decided: ['payment.declined'],
    })
    expect(await payment('o-11')).toMatchObject({
      status: 'declined',
      declineReason: 'insufficient funds',
    })
  })
})

describe('orders', () => {
  const settle = (event: Parameters<typeof settleEffects>[0]) =>
    commit(settleEffects(event, { client: dynamo, eventsTable: 'events', now: at }))

  it('records each fact in the order stream and confirms once reserved and authorized', async () => {
    const placement = placed('o-40', [{ sku: 'A', quantity: 1, unitPrice: 5 }])
    await restock('A', 100)
    const inventory = await commit(
      stockEffects(placement, {
        client: dynamo,
        table: 'inventory',
        eventsTable: 'events',
        now: at,
      }),
    )
    const payment = await commit(
      paymentEffects(placement, {
        client: dynamo,
        paymentsTable: 'payments',
        eventsTable: 'events',
        now: at,
      }),
    )
    expect(inventory.decided).toEqual(['inventory.reserved'])
    expect(payment.decided).toEqual(['payment.authorized'])
    const decisions = await streamOf('inventory-o-40')
    expect(decisions).toHaveLength(2)
    // The answers, out of order, the placement last: confirmed on the last fact.
    const answers = await Promise.all(
      ['inventory-o-40', 'payment-o-40'].map(
        async (streamId) =>
          (await new EventStore({ client: dynamo, eventsTable: 'events' }).readStream(streamId))[1]!
            .event,
      ),
    )
    expect(await settle(answers[1] as never)).toMatchObject({ outcome: 'none', decided: [] })
    expect(await settle(answers[0] as never)).toMatchObject({ outcome: 'none', decided: [] })
    expect(await settle(placement)).toMatchObject({
      outcome: 'confirmed',
      decided: ['order.confirmed'],
    })
    expect(await settle(placement)).toMatchObject({ outcome: 'duplicate' })
    expect(await streamOf('order-o-40')).toEqual([
      ['payment.authorized', 'recorded'],
      ['inventory.reserved', 'recorded'],
      ['order.placed', 'recorded'],
      ['order.confirmed', 'decided'],
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
  // The orders service records the order events; the projection reads them.
  const record = (event: Parameters<typeof settleEffects>[0]) =>
    commit(settleEffects(event, { client: dynamo, eventsTable: 'events', now: at }))
  const project = (event: Parameters<typeof projectOrder>[0]) => commit(projectOrder(event, deps()))

  it('projects the order stream into the read model, and writes no event', async () => {
    const placement = placed('o-30', [{ sku: 'A', quantity: 1, unitPrice: 5 }])
    expect(await project(placement)).toMatchObject({ outcome: 'not-recorded', writes: [] })
    await record(placement)
    expect(await project(placement)).toMatchObject({ outcome: 'projected', version: 1 })
    expect(await view('o-30')).toMatchObject({
      customerId: 'c-1',
      status: 'placed',
      total: 5,
      itemCount: 1,
      version: 1,
    })
    const cancellation = cancelled('o-30', 'changed mind')
    await record(cancellation)
    await project(cancellation)
    expect(await view('o-30')).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'customer',
      cancelReason: 'changed mind',
      total: 5,
      version: 2,
    })
    expect(await project(placement)).toMatchObject({ outcome: 'duplicate', writes: [] })
    expect(await streamOf('order-o-30')).toEqual([
      ['order.placed', 'recorded'],
      ['order.cancelled', 'recorded'],
    ])
  })

  it('converges when the cancellation arrives before the placement', async () => {
    const cancellation = cancelled('o-31', 'r')
    await record(cancellation)
    await record(placed('o-31', [{ sku: 'A', quantity: 2, unitPrice: 1 }]))
    await project(cancellation)
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
