import { CreateTableCommand } from '@aws-sdk/client-dynamodb'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { beforeAll, describe, expect, it } from 'vitest'
import { EventStore } from '../../../functions/event-store/index.ts'
import type { rebuildReadModel as RebuildReadModel } from '../../../functions/order-read-model/index.ts'
import { orderDecider } from '../../../functions/orders/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { attributesOf } from '../runtime/events.ts'
import {
  type ConsumerResources,
  createConsumerResources,
  pollOnce,
  queueDepth,
  sendBodies,
} from '../runtime/fixture.ts'
import {
  cancelled,
  createEventsTable,
  documentClientFor,
  placed,
  recordOrderEvent,
} from './fixture.ts'

const aws = useEmbeddedAws()

/**
 * The order read model as a projection of the event store, on the embedded AWS: the orders
 * service records the order events into the order streams, and the projections consumer
 * (its handler on the consumer runtime, configured by its environment) projects them from
 * its queue, redelivered and out of order; a rebuild that replays the events table into a
 * new table gives identical rows.
 */
describe('order read model', () => {
  let resources: ConsumerResources
  let handler: typeof import('../../../functions/consumers/projections/handler.ts').handler
  let rebuildReadModel: typeof RebuildReadModel
  let eventsTable: string
  const ordersTable = 'orders-live'

  const createOrdersTable = (name: string) =>
    resources.dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
  const rows = async (table: string) =>
    (
      (await documentClientFor(aws.endpoint).send(new ScanCommand({ TableName: table }))).Items ??
      []
    )
      .slice()
      .sort((a, b) => String(a.orderId).localeCompare(String(b.orderId)))

  beforeAll(async () => {
    resources = await createConsumerResources(aws.endpoint, { maxReceiveCount: 10 })
    eventsTable = await createEventsTable(aws.endpoint)
    await createOrdersTable(ordersTable)
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      CONSUMER_NAME: 'projections',
      QUEUE_URL: resources.queueUrl,
      DLQ_URL: resources.dlqUrl,
      MAX_RECEIVE_COUNT: '10',
      IDEMPOTENCY_TABLE: resources.table,
      READ_MODEL_TABLE: ordersTable,
      EVENTS_TABLE: eventsTable,
    })
    handler = (await import('../../../functions/consumers/projections/handler.ts')).handler
    ;({ rebuildReadModel } = await import('../../../functions/order-read-model/index.ts'))
  })

  const send = (events: { eventType: string; version: number }[]) =>
    sendBodies(
      resources.sqs,
      resources.queueUrl,
      events.map((event) => ({ body: JSON.stringify(event), attributes: attributesOf(event) })),
    )
  const drain = async () => {
    const deadline = Date.now() + 20_000
    while ((await queueDepth(resources.sqs, resources.queueUrl)) > 0) {
      if (Date.now() > deadline) throw new Error('the queue did not drain in 20 s')
      const polled = await pollOnce(handler, resources)
      if (polled.messages.length === 0) await new Promise((r) => setTimeout(r, 100))
    }
  }

  it('projects live from the order streams, and a rebuild by replay gives identical rows', async () => {
    const orders = Array.from({ length: 20 }, (_, i) => `o-${String(i).padStart(2, '0')}`)
    const placements = orders.map((id, i) =>
      placed(id, `2026-05-01T10:${String(i).padStart(2, '0')}:00Z`),
    )
    const cancellations = orders
      .slice(0, 8)
      .map((id, i) => cancelled(id, `2026-05-01T11:0${i}:00Z`))
    // The orders service records them: cancellations of four orders before their placements.
    const race = [placed('o-20', '2026-05-01T12:00:00Z'), cancelled('o-20', '2026-05-01T12:01:00Z')]
    for (const event of [
      ...cancellations.slice(0, 4),
      ...placements,
      ...cancellations.slice(4),
      ...race,
    ]) {
      await recordOrderEvent(documentClientFor(aws.endpoint), eventsTable, event)
    }
    // The projection gets them out of order too, and three placements twice.
    await send(cancellations.slice(0, 4))
    await drain()
    // And one order's placement and cancellation in one batch, handled at once: the second
    // writer's transaction is cancelled (the row's version is taken) and it is retried.
    await send([...placements, ...placements.slice(10, 13), ...cancellations.slice(4)])
    await send(race)
    await drain()
    expect(await queueDepth(resources.sqs, resources.dlqUrl)).toBe(0)

    const live = await rows(ordersTable)
    expect(live).toHaveLength(21)
    expect(live.filter((r) => r.status === 'cancelled').map((r) => r.orderId)).toEqual([
      ...orders.slice(0, 8),
      'o-20',
    ])
    expect(live.filter((r) => r.status === 'placed')).toHaveLength(12)
    for (const row of live) {
      expect(row.version).toBe(row.status === 'cancelled' ? 2 : 1)
      expect(row.customerId).toBe('c-1')
    }

    // Each event recorded once by the orders service, from the bus (the outbox does not publish it again).
    const store = new EventStore({ client: documentClientFor(aws.endpoint), eventsTable })
    const early = await store.readStream('order-o-00')
    expect(early.map((r) => [r.streamVersion, r.event.eventType, r.origin])).toEqual([
      [1, 'order.cancelled', 'recorded'],
      [2, 'order.placed', 'recorded'],
    ])
    expect(await store.readStream('order-o-10')).toHaveLength(1)
    // The state as of the first version: cancelled, before anything was known of the order.
    expect(
      (await store.aggregateStream(orderDecider, 'order-o-00', { asOfVersion: 1 })).state,
    ).toMatchObject({
      status: 'cancelled',
    })

    await createOrdersTable('orders-rebuilt')
    const progress: number[] = []
    const result = await rebuildReadModel({
      client: documentClientFor(aws.endpoint),
      eventsTable,
      readModelTable: 'orders-rebuilt',
      pageSize: 7,
      onProgress: (p) => progress.push(p.streams),
    })
    expect(result).toEqual({ streams: 21, events: 30, written: 21, newer: 0 })
    expect(progress.length).toBeGreaterThan(1)
    expect(progress.at(-1)).toBe(21)
    expect(await rows('orders-rebuilt')).toEqual(live)

    // Replaying into the live table changes nothing.
    await rebuildReadModel({
      client: documentClientFor(aws.endpoint),
      eventsTable,
      readModelTable: ordersTable,
    })
    expect(await rows(ordersTable)).toEqual(live)
  })
})
