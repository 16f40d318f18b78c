import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { reservationKey } from '../functions/consumers/inventory/stock-effects.ts'
import { batchGetItems } from '../functions/consumers/shared/dynamodb.ts'
import { EventStore } from '../functions/event-store/index.ts'
import { inventoryStreamId } from '../functions/inventory/index.ts'
import { orderStreamId } from '../functions/orders/index.ts'
import { paymentStreamId } from '../functions/payments/index.ts'
import { type DemoBranch, expectedStatus } from './demo-orders.ts'

/** An order the saga was given: its branch says how it must end. */
export interface SagaOrder {
  readonly orderId: string
  readonly branch: DemoBranch
  readonly items: readonly { readonly sku: string; readonly quantity: number }[]
}

export interface SagaTables {
  readonly orders: string
  readonly inventory: string
  readonly payments: string
  readonly events: string
}

/** How the saga ended for a set of orders: what `pipeline dev --once` checks. */
export interface SagaOutcome {
  /** Every check held. */
  readonly ok: boolean
  readonly orders: number
  readonly confirmed: number
  readonly cancelled: number
  /** Orders per branch of the demo mix, and how many ended as they should. */
  readonly branches: Readonly<
    Record<string, { readonly orders: number; readonly asExpected: number }>
  >
  /** Per SKU: stock before, stock expected (before minus confirmed orders' units), stock now. */
  readonly stock: readonly {
    readonly sku: string
    readonly before: number
    readonly expected: number
    readonly available: number
  }[]
  /** Events a stream holds twice, and decisions a service made twice. */
  readonly duplicates: number
  /** What did not hold, one line each (the first 20). */
  readonly problems: readonly string[]
}

/** Units available per SKU now, read consistently (0 for a SKU with no stock item). */
export async function stockLevels(
  client: DynamoDBDocumentClient,
  table: string,
  skus: readonly string[],
): Promise<Record<string, number>> {
  const items = await batchGetItems(client, table, 'sku', skus)
  return Object.fromEntries(skus.map((sku) => [sku, Number(items.get(sku)?.available ?? 0)]))
}

/**
 * Checks the saga's outcome, not only delivery: every order ended confirmed or cancelled,
 * as its branch says; a cancelled order holds no stock and no authorization without a void;
 * a confirmed one has both; each SKU's stock is what it was minus the confirmed orders'
 * units; no stream holds an event twice and no service decided anything twice.
 */
export async function sagaOutcome(
  client: DynamoDBDocumentClient,
  tables: SagaTables,
  orders: readonly SagaOrder[],
  stockBefore: Readonly<Record<string, number>>,
  /** Read every saga stream to count duplicates (3 Queries an order). @default true */
  readStreams = true,
): Promise<SagaOutcome> {
  const ids = orders.map((o) => o.orderId)
  const [rows, reservations, payments, stockNow] = await Promise.all([
    batchGetItems(client, tables.orders, 'orderId', ids),
    batchGetItems(client, tables.inventory, 'sku', ids.map(reservationKey)),
    batchGetItems(client, tables.payments, 'orderId', ids),
    stockLevels(client, tables.inventory, Object.keys(stockBefore)),
  ])
  const problems: string[] = []
  const branches: Record<string, { orders: number; asExpected: number }> = {}
  const confirmedUnits: Record<string, number> = {}
  let confirmed = 0
  let cancelled = 0
  for (const order of orders) {
    const status = rows.get(order.orderId)?.status as string | undefined
    const reservation = reservations.get(reservationKey(order.orderId))?.status
    const payment = payments.get(order.orderId)?.status
    const expected = expectedStatus(order.branch)
    const branch = branches[order.branch] ?? { orders: 0, asExpected: 0 }
    branches[order.branch] = branch
    branch.orders++
    if (status === expected) branch.asExpected++
    else {
      problems.push(
        `order ${order.orderId} (${order.branch}) is ${status ?? 'not in the read model'}, expected ${expected}`,
      )
    }
    if (status === 'confirmed') {
      confirmed++
      for (const line of order.items) {
        confirmedUnits[line.sku] = (confirmedUnits[line.sku] ?? 0) + line.quantity
      }
      if (reservation !== 'reserved' || payment !== 'authorized') {
        problems.push(
          `order ${order.orderId} is confirmed, but its reservation is ${reservation ?? 'missing'} and its payment ${payment ?? 'missing'}`,
        )
      }
    }
    if (status === 'cancelled') {
      cancelled++
      if (reservation === 'reserved') {
        problems.push(`order ${order.orderId} is cancelled, but its stock is still reserved`)
      }
      if (payment === 'authorized') {
        problems.push(
          `order ${order.orderId} is cancelled, but its payment is authorized and not voided`,
        )
      }
    }
  }
  const stock = Object.entries(stockBefore).map(([sku, before]) => ({
    sku,
    before,
    expected: before - (confirmedUnits[sku] ?? 0),
    available: stockNow[sku] ?? 0,
  }))
  for (const s of stock) {
    if (s.available !== s.expected) {
      problems.push(
        `${s.sku}: ${s.available} available, expected ${s.expected} (${s.before} minus ${s.before - s.expected} confirmed)`,
      )
    }
  }
  const duplicates = readStreams ? await countDuplicates(client, tables.events, ids, problems) : 0
  return {
    ok: problems.length === 0,
    orders: orders.length,
    confirmed,
    cancelled,
    branches,
    stock,
    duplicates,
    problems: problems.slice(0, 20),
  }
}

/** Events a saga stream holds twice, and event types a service decided twice in one. */
async function countDuplicates(
  client: DynamoDBDocumentClient,
  eventsTable: string,
  orderIds: readonly string[],
  problems: string[],
): Promise<number> {
  const store = new EventStore({ client, eventsTable })
  const streams = orderIds.flatMap((id) => [
    orderStreamId(id),
    inventoryStreamId(id),
    paymentStreamId(id),
  ])
  let duplicates = 0
  for (let i = 0; i < streams.length; i += 16) {
    const read = await Promise.all(
      streams.slice(i, i + 16).map(async (id) => ({ id, events: await store.readStream(id) })),
    )
    for (const { id, events } of read) {
      const ids = new Set<string>()
      const decided = new Set<string>()
      for (const { event, origin } of events) {
        if (ids.has(event.eventId)) {
          duplicates++
          problems.push(`stream ${id} holds event ${event.eventId} twice`)
        }
        ids.add(event.eventId)
        if (origin !== 'decided') continue
        if (decided.has(event.eventType)) {
          duplicates++
          problems.push(`stream ${id}: ${event.eventType} was decided twice`)
        }
        decided.add(event.eventType)
      }
    }
  }
  return duplicates
}
