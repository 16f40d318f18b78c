import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DemoOrder, demoOrder } from '../../cli/demo-orders.ts'
import { demoStockLevels } from '../../cli/demo-stock.ts'
import { type SagaOutcome, sagaOutcome, stockLevels } from '../../cli/saga-outcome.ts'
import { createPublisher, type EventEnvelope } from '../../functions/catalogue/index.ts'
import { type DemoPipeline, startDemoPipeline } from '../support/demo-pipeline.ts'

/**
 * The order saga end to end on the embedded target (the stack of lib/app.ts, its functions
 * from source), under duplicates and reordering: every event published twice, customers'
 * cancellations published before their orders, and then every event the services decided
 * published again, in reverse. The saga ends the same: each order as its branch says, each
 * cancellation compensated, stock as confirmed orders left it, nothing decided twice.
 */
let demo: DemoPipeline

beforeAll(async () => {
  demo = await startDemoPipeline()
}, 120_000)
afterAll(() => demo?.stop())

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('the order saga on the embedded target', () => {
  it('settles the same under duplicates and reordering', async () => {
    const { target, resources } = demo
    const documents = target.clients.documents
    const tables = {
      orders: resources.ordersTableName,
      inventory: resources.inventoryTableName,
      payments: resources.paymentsTableName,
      events: resources.eventsTableName,
    }
    const skus = Object.keys(demoStockLevels(0))
    const before = await stockLevels(documents, tables.inventory, skus)
    const mix = { declined: 0.2, outOfStock: 0.2, cancel: 0.3 }
    let orders: DemoOrder[] = []
    // Every branch at least once, whatever the draw.
    while (new Set(orders.map((o) => o.branch)).size < 4) {
      orders = Array.from({ length: 24 }, () => demoOrder(mix))
    }
    const sagaOrders = orders.map((o) => ({
      orderId: o.orderId,
      branch: o.branch,
      items: o.placed.payload.items,
    }))
    const publisher = createPublisher({
      topicArn: resources.eventTopicArn,
      sns: target.clients.sns,
    })
    const settled = async (): Promise<SagaOutcome> => {
      const deadline = Date.now() + 150_000
      let outcome = await sagaOutcome(documents, tables, sagaOrders, before)
      while (!outcome.ok && Date.now() < deadline) {
        await sleep(1000)
        outcome = await sagaOutcome(documents, tables, sagaOrders, before)
      }
      return outcome
    }

    // Cancellations first (they overtake their orders), then every order twice.
    const cancellations = orders.flatMap((o) => (o.cancelled ? [o.cancelled] : []))
    const placements = orders.map((o) => o.placed)
    await publisher.publishAll([...cancellations, ...placements, ...placements.slice().reverse()])
    const first = await settled()
    expect(first.problems).toEqual([])
    expect(first).toMatchObject({ ok: true, duplicates: 0 })
    expect(first.cancelled).toBe(orders.filter((o) => o.branch !== 'confirmed').length)
    const rows = async () =>
      ((await documents.send(new ScanCommand({ TableName: tables.orders }))).Items ?? [])
        .map((row) => [row.orderId, row.status, row.cancelReason])
        .sort()

    const decided: EventEnvelope[] = []
    const scan = await documents.send(
      new ScanCommand({
        TableName: tables.events,
        FilterExpression: 'origin = :decided',
        ExpressionAttributeValues: { ':decided': 'decided' },
      }),
    )
    for (const item of scan.Items ?? []) {
      const { pk: _pk, sk: _sk, origin: _origin, ...event } = item
      decided.push(event as EventEnvelope)
    }
    expect(decided.map((e) => e.eventType)).toEqual(
      expect.arrayContaining(['order.confirmed', 'inventory.released', 'payment.voided']),
    )
    const rowsBefore = await rows()

    // Every decision again, newest first, and the customers' events once more.
    await publisher.publishAll([...decided.reverse(), ...cancellations, ...placements])
    await sleep(8000)
    const again = await settled()
    expect(again.problems).toEqual([])
    expect(again).toMatchObject({ ok: true, duplicates: 0 })
    expect(again.stock).toEqual(first.stock)
    expect(await rows()).toEqual(rowsBefore)
  }, 300_000)
})
