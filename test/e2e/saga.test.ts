import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CatalogueEntry } from '../../cli/catalogue.ts'
import { type DemoOrder, demoOrder } from '../../cli/demo-orders.ts'
import { demoStockLevels } from '../../cli/demo-stock.ts'
import { type SagaOutcome, sagaOutcome, stockLevels } from '../../cli/saga-outcome.ts'
import type { EventTrace } from '../../cli/trace.ts'
import { createPublisher, type EventEnvelope } from '../../functions/catalogue/index.ts'
import { EventStore } from '../../functions/event-store/index.ts'
import type { OrderView } from '../../functions/orders/index.ts'
import { runPipeline } from '../integration/cli/pipeline-cli.ts'
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

  // Issue 17, item 9: `payment.authorized` reached no consumer but the saga's orders
  // service, so the order read model never showed an order paid until it was confirmed.
  it('shows an order paid in the read model, which takes payment.authorized', async () => {
    const { target, resources, pipeline } = demo
    const endpoint = pipeline.aws.endpoint
    const documents = target.clients.documents
    const { placed, orderId } = demoOrder({ declined: 0, outOfStock: 0, cancel: 0 })
    await createPublisher({ topicArn: resources.eventTopicArn, sns: target.clients.sns }).publish(
      placed,
    )

    const events = new EventStore({ client: documents, eventsTable: resources.eventsTableName })
    const deadline = Date.now() + 120_000
    let row: OrderView | undefined
    let authorized: Awaited<ReturnType<typeof events.readStream>>[number] | undefined
    while (!row?.confirmedAt || !authorized) {
      if (Date.now() > deadline)
        throw new Error(`order ${orderId} not settled: ${JSON.stringify(row)}`)
      await sleep(500)
      const { Item } = await documents.send(
        new GetCommand({ TableName: resources.ordersTableName, Key: { orderId } }),
      )
      row = Item as OrderView | undefined
      authorized = (await events.readStream(`payment-${orderId}`)).find(
        (r) => r.event.eventType === 'payment.authorized',
      )
    }
    expect(row).toMatchObject({
      status: 'confirmed',
      paidAt: authorized.event.timestamp,
      paymentId: (authorized.event.payload as { paymentId: string }).paymentId,
    })

    // The read model consumed the authorization itself (not only folded it in later). The
    // row can show the payment first, folded from the order's stream while projecting
    // another event, while the authorization's own delivery is still retried (a lost race on
    // the row's version, or the order not yet recorded): so wait for it to be processed.
    const traceDeadline = Date.now() + 90_000
    let projections: EventTrace['consumers'][number] | undefined
    for (;;) {
      const traced = await runPipeline([
        'trace',
        authorized.event.eventId,
        '--endpoint',
        endpoint,
        '--json',
      ])
      expect(traced.code, traced.stderr).toBe(0)
      const trace = JSON.parse(traced.stdout) as EventTrace
      projections = trace.consumers.find((c) => c.consumer === 'projections')
      const settling = ['retrying', 'in-progress', 'pending'].includes(projections?.state ?? '')
      if (!settling || Date.now() > traceDeadline) break
      await sleep(1000)
    }
    expect(projections).toMatchObject({ subscribed: true, state: 'processed' })

    // And the catalogue says so, with the running stack's subscription selecting it.
    const catalogue = await runPipeline(['catalogue', '--endpoint', endpoint, '--json'])
    expect(catalogue.code, catalogue.stderr).toBe(0)
    const { events: entries } = JSON.parse(catalogue.stdout) as { events: CatalogueEntry[] }
    const entry = entries.find((e) => e.eventType === 'payment.authorized')
    expect(entry?.consumers.map((c) => c.name)).toContain('projections')
    expect(entry?.subscribed).toContain('projections')
  }, 180_000)
})
