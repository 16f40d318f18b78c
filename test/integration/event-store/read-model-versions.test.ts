import { ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { describe, expect, it } from 'vitest'
import {
  createEvent,
  OrderCancelledV1,
  OrderCancelledV2,
} from '../../../functions/catalogue/index.ts'
import { EventStore } from '../../../functions/event-store/index.ts'
import { projectOrder, rebuildReadModel } from '../../../functions/order-read-model/index.ts'
import type { OrderStreamEvent } from '../../../functions/orders/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { createEventsTable, createOrdersTable, documentClientFor, placed } from './fixture.ts'

const aws = useEmbeddedAws()

/**
 * A store holding v1 and v2 cancellations (v1 written before the saga, never rewritten):
 * the live projection and a rebuild by replay both read them upcast to v2, and give the same
 * rows.
 */
describe('the order read model over v1 and v2 events', () => {
  it('projects live and rebuilds to identical rows, a v1 cancellation read as the customer’s', async () => {
    const client = documentClientFor(aws.endpoint)
    const eventsTable = await createEventsTable(aws.endpoint)
    const live = await createOrdersTable(aws.endpoint)
    const rebuilt = await createOrdersTable(aws.endpoint)
    const store = new EventStore({ client, eventsTable })
    const old = placed('v-1', '2026-05-01T10:00:00Z')
    const oldCancel = createEvent(
      OrderCancelledV1,
      { orderId: 'v-1', reason: 'before the saga' },
      { source: 'shop', timestamp: new Date('2026-05-01T11:00:00Z') },
    )
    const recent = placed('v-2', '2026-05-02T10:00:00Z')
    const sagaCancel = createEvent(
      OrderCancelledV2,
      { orderId: 'v-2', reason: 'out of stock: A', cancelledBy: 'saga' },
      { source: 'orders', timestamp: new Date('2026-05-02T10:00:05Z') },
    )
    await store.append('order-v-1', [old, oldCancel], {
      expectedVersion: 'no-stream',
      origin: 'recorded',
    })
    await store.append('order-v-2', [recent, sagaCancel], { expectedVersion: 'no-stream' })
    // The stored v1 stays v1.
    const raw = await client.send(new ScanCommand({ TableName: eventsTable }))
    expect(raw.Items?.find((i) => i.eventId === oldCancel.eventId)?.version).toBe(1)

    for (const [event, streamId] of [
      [oldCancel, 'order-v-1'],
      [sagaCancel, 'order-v-2'],
    ] as const) {
      const [, cancellation] = await store.readStream(streamId)
      expect(cancellation?.event.version).toBe(2)
      const { writes } = await projectOrder((cancellation?.event ?? event) as OrderStreamEvent, {
        client,
        table: live,
        eventsTable,
      })
      await client.send(new TransactWriteCommand({ TransactItems: writes }))
    }
    await rebuildReadModel({ client, eventsTable, readModelTable: rebuilt })
    const rows = async (table: string) =>
      ((await client.send(new ScanCommand({ TableName: table }))).Items ?? []).sort((a, b) =>
        String(a.orderId).localeCompare(String(b.orderId)),
      )
    const projected = await rows(live)
    expect(projected.map((r) => [r.orderId, r.status, r.cancelledBy, r.cancelReason])).toEqual([
      ['v-1', 'cancelled', 'customer', 'before the saga'],
      ['v-2', 'cancelled', 'saga', 'out of stock: A'],
    ])
    expect(await rows(rebuilt)).toEqual(projected)
  })
})
