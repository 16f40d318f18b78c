import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  createEvent,
  type EventEnvelope,
  OrderCancelledV1,
  upcastEvent,
} from '../../../functions/catalogue/index.ts'
import type { OrderEvent } from '../../../functions/consumers/shared/order-events.ts'
import { EventStore } from '../../../functions/event-store/index.ts'
import { rebuildReadModel } from '../../../functions/order-read-model/index.ts'
import { orderStreamId } from '../../../functions/orders/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import {
  cancelled,
  createEventsTable,
  createOrdersTable,
  documentClientFor,
  placed,
  projectLive,
} from './fixture.ts'

const aws = useEmbeddedAws()
const client = () => documentClientFor(aws.endpoint)
const rows = async (table: string) =>
  ((await client().send(new ScanCommand({ TableName: table }))).Items ?? []).sort((a, b) =>
    String(a.orderId).localeCompare(String(b.orderId)),
  )

/** A cancellation as a producer from before order.cancelled v2 wrote it. */
const cancelledV1 = (orderId: string, at: string) =>
  createEvent(
    OrderCancelledV1,
    { orderId, reason: 'changed mind' },
    { source: 'old-shop', timestamp: new Date(at), correlationId: `corr-${orderId}` },
  )

/**
 * The order read model over a store that holds v1 and v2 cancellations: projected live (a
 * v1 from the bus reaches the projection upcast, as the consumer runtime hands it over),
 * and rebuilt by replay from a store where the v1 events are stored as v1.
 */
describe('the order read model over v1 and v2 events', () => {
  let streams: EventEnvelope[][]

  beforeAll(() => {
    streams = [
      [placed('u-1', '2026-05-01T10:00:00Z'), cancelledV1('u-1', '2026-05-01T10:05:00Z')],
      [cancelledV1('u-2', '2026-05-01T10:01:00Z'), placed('u-2', '2026-05-01T10:02:00Z')],
      [placed('u-3', '2026-05-01T10:03:00Z'), cancelled('u-3', '2026-05-01T10:04:00Z')],
      [placed('u-4', '2026-05-01T10:06:00Z')],
    ]
  })

  it('rebuilds by replay to the rows the live projection made', async () => {
    const live = {
      eventsTable: await createEventsTable(aws.endpoint),
      ordersTable: await createOrdersTable(aws.endpoint),
    }
    await projectLive(
      client(),
      live,
      streams.flat().map((event) => upcastEvent(event) as OrderEvent),
    )

    // The same streams as an older projection recorded them: v1 events stored as v1.
    const stored = await createEventsTable(aws.endpoint)
    const store = new EventStore({ client: client(), eventsTable: stored })
    for (const events of streams) {
      const orderId = (events[0]!.payload as { orderId: string }).orderId
      await store.append(orderStreamId(orderId), events, {
        expectedVersion: 'no-stream',
        origin: 'recorded',
      })
    }
    const raw = (await client().send(new ScanCommand({ TableName: stored }))).Items ?? []
    expect(
      raw
        .filter((item) => item.eventType === 'order.cancelled')
        .map((item) => item.version)
        .sort(),
    ).toEqual([1, 1, 2])

    const rebuilt = await createOrdersTable(aws.endpoint)
    expect(
      await rebuildReadModel({ client: client(), eventsTable: stored, readModelTable: rebuilt }),
    ).toMatchObject({ streams: 4, events: 7, written: 4 })
    const liveRows = await rows(live.ordersTable)
    // A v1 cancellation reads as the customer's (v2's cancelledBy): in the rows of both.
    expect(liveRows.map((row) => [row.orderId, row.status, row.cancelledBy])).toEqual([
      ['u-1', 'cancelled', 'customer'],
      ['u-2', 'cancelled', 'customer'],
      ['u-3', 'cancelled', 'customer'],
      ['u-4', 'placed', undefined],
    ])
    expect(await rows(rebuilt)).toEqual(liveRows)
  })
})
