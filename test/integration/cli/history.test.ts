import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createEvent,
  type EventEnvelope,
  InventoryReservedV1,
  OrderConfirmedV1,
  PaymentAuthorizedV1,
} from '../../../functions/catalogue/index.ts'
import { EventStore } from '../../../functions/event-store/index.ts'
import {
  cancelled,
  documentClientFor,
  placed,
  projectLive,
  startEventStoreStack,
} from '../event-store/fixture.ts'
import { runPipeline } from './pipeline-cli.ts'

let stack: Awaited<ReturnType<typeof startEventStoreStack>>
const placement = placed('h-1', '2026-05-01T10:00:00.000Z', 'e-placed')
const cancellation = cancelled('h-1', '2026-05-01T11:00:00.000Z', 'e-cancelled')

// A whole saga of order h-2, as the services record it in their streams.
const sagaPlaced = placed('h-2', '2026-05-01T10:00:00.000Z', 'h2-placed')
const caused = (eventId: string, by: string, at: string) => ({
  source: by,
  eventId,
  timestamp: new Date(at),
  correlationId: sagaPlaced.correlationId,
})
const reserved = createEvent(
  InventoryReservedV1,
  { orderId: 'h-2', lines: [{ sku: 'A', quantity: 2 }] },
  { ...caused('h2-reserved', 'inventory', '2026-05-01T10:00:02.000Z'), causationId: 'h2-placed' },
)
const authorized = createEvent(
  PaymentAuthorizedV1,
  { orderId: 'h-2', paymentId: 'pay-h-2', customerId: 'c-1', amount: 10 },
  { ...caused('h2-authorized', 'payments', '2026-05-01T10:00:01.000Z'), causationId: 'h2-placed' },
)
const confirmed = createEvent(
  OrderConfirmedV1,
  { orderId: 'h-2', customerId: 'c-1', total: 10, paymentId: 'pay-h-2' },
  // Stamped before the reservation it follows (clocks differ): causal order still puts it after.
  { ...caused('h2-confirmed', 'orders', '2026-05-01T10:00:01.500Z'), causationId: 'h2-reserved' },
)

beforeAll(async () => {
  stack = await startEventStoreStack()
  await projectLive(documentClientFor(stack.endpoint), stack, [placement, cancellation])
  const store = new EventStore({
    client: documentClientFor(stack.endpoint),
    eventsTable: stack.eventsTable,
  })
  const append = (streamId: string, events: EventEnvelope[], decided: EventEnvelope) =>
    store.append(streamId, events, {
      expectedVersion: 'no-stream',
      origin: (e) => (e.eventId === decided.eventId ? 'decided' : 'recorded'),
    })
  await append('inventory-h-2', [sagaPlaced, reserved], reserved)
  await append('payment-h-2', [sagaPlaced, authorized], authorized)
  await append('order-h-2', [sagaPlaced, authorized, reserved, confirmed], confirmed)
})
afterAll(() => stack?.stop())

const history = (...args: string[]) =>
  runPipeline(['history', ...args, '--endpoint', stack.endpoint])

// One CLI process at a time, with room for a small loaded machine (as the other CLI tests).
describe('pipeline history', { timeout: 60_000 }, () => {
  it("prints an order's audit trail and its state now", async () => {
    const result = await history('h-1')
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toBe(
      [
        'order h-1 (stream order-h-1)',
        '  v1  2026-05-01T10:00:00.000Z  order.placed     e-placed  from test (recorded)',
        '  v2  2026-05-01T11:00:00.000Z  order.cancelled  e-cancelled  from test (recorded)',
        'state as of version 2: cancelled',
        '  customer c-1, 2 item(s), total 10.00, placed 2026-05-01T10:00:00.000Z',
        '  cancelled 2026-05-01T11:00:00.000Z by customer: changed mind',
        'saga (correlation corr-h-1), in causal order:',
        '  2026-05-01T10:00:00.000Z  order.placed     e-placed  from test  in order-h-1@1',
        '  2026-05-01T11:00:00.000Z  order.cancelled  e-cancel  from test  in order-h-1@2',
        '',
      ].join('\n'),
    )
  })

  it('gives the state as of a time, in JSON', async () => {
    const result = await history('h-1', '--as-of', '2026-05-01T10:30:00Z', '--json')
    expect(result.code, result.stderr).toBe(0)
    const parsed = JSON.parse(result.stdout)
    expect(parsed).toMatchObject({
      target: 'embedded',
      orderId: 'h-1',
      streamId: 'order-h-1',
      asOf: { time: '2026-05-01T10:30:00.000Z' },
      version: 1,
      state: { status: 'placed', placed: { customerId: 'c-1', total: 10 } },
    })
    expect(parsed.events).toEqual([
      {
        version: 1,
        eventId: 'e-placed',
        eventType: 'order.placed',
        timestamp: '2026-05-01T10:00:00.000Z',
        source: 'test',
        origin: 'recorded',
        correlationId: 'corr-h-1',
        payload: placement.payload,
      },
    ])
  })

  it("shows the saga's events across the order's streams, once each, in causal order", async () => {
    const result = await history('h-2', '--json')
    expect(result.code, result.stderr).toBe(0)
    const { state, saga } = JSON.parse(result.stdout)
    expect(state.status).toBe('confirmed')
    expect(saga.map((e: { eventId: string }) => e.eventId)).toEqual([
      'h2-placed',
      'h2-authorized',
      'h2-reserved',
      'h2-confirmed',
    ])
    expect(saga[0]).toMatchObject({
      correlationId: sagaPlaced.correlationId,
      recordedIn: ['order-h-2@1', 'inventory-h-2@1', 'payment-h-2@1'],
    })
    expect(saga[2]).toMatchObject({
      causationId: 'h2-placed',
      source: 'inventory',
      recordedIn: ['inventory-h-2@2', 'order-h-2@3'],
    })
    const asOf = JSON.parse(
      (await history('h-2', '--as-of', '2026-05-01T10:00:01.200Z', '--json')).stdout,
    )
    expect(asOf.saga.map((e: { eventId: string }) => e.eventId)).toEqual([
      'h2-placed',
      'h2-authorized',
    ])
    expect(asOf.state.status).toBe('placed')
    const text = (await history('h-2')).stdout
    expect(text).toMatch(
      /order\.confirmed\s+h2-confi ← h2-reser {2}from orders {2}in order-h-2@4$/m,
    )
  })

  it('gives the state as of a version', async () => {
    const result = await history('h-1', '--version', '1')
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^state as of version 1: placed$/m)
    expect(result.stdout).not.toMatch(/order\.cancelled/)
  })

  it('says in one line when the order has no events, or none by that time', async () => {
    const none = await history('nobody')
    expect(none.code).toBe(1)
    expect(none.stderr.trim()).toBe(
      'pipeline: order nobody has no events in the event store (stream order-nobody)',
    )
    const early = await history('h-1', '--as-of', '2026-04-30T00:00:00Z')
    expect(early.stderr.trim()).toBe(
      'pipeline: order h-1 has no events by 2026-04-30T00:00:00.000Z (its stream is at version 2)',
    )
  })
})
