import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createEvent,
  type EventEnvelope,
  OrderCancelledV2,
  OrderPlacedV1,
} from '../../../functions/catalogue/index.ts'
import {
  DECLINED_CUSTOMER,
  demoCardProvider,
} from '../../../functions/consumers/payments/card-provider.ts'
import type { Decider } from '../../../functions/event-store/index.ts'
import { reactingDecider } from '../../../functions/event-store/reaction.ts'
import { type InventoryStreamEvent, inventoryDecider } from '../../../functions/inventory/index.ts'
import { stockCommandFor } from '../../../functions/inventory/stock-command-for.ts'
import {
  type OrderCancelled,
  type OrderPlaced,
  type OrderStreamEvent,
  orderDecider,
} from '../../../functions/orders/index.ts'
import { settleCommandFor } from '../../../functions/orders/settle-command.ts'
import { type PaymentStreamEvent, paymentDecider } from '../../../functions/payments/index.ts'
import { paymentCommandFor } from '../../../functions/payments/payment-command-for.ts'

/**
 * The saga as the three services play it, pure: every event goes to the services whose
 * subscriptions select it, deliveries happen in any order, some more than once, and each
 * service reacts with the production step (record the trigger, decide) on its own stream.
 * Whatever the order, every order settles the same way and every compensation is made.
 */
type Service = 'orders' | 'inventory' | 'payments'
const subscriptions: Record<Service, readonly string[]> = {
  orders: [
    'order.placed',
    'order.cancelled',
    'inventory.reserved',
    'inventory.rejected',
    'payment.authorized',
    'payment.declined',
  ],
  inventory: ['order.placed', 'order.cancelled'],
  payments: ['order.placed', 'order.cancelled'],
}
const now = new Date('2026-05-01T10:00:00.000Z')

interface Scenario {
  readonly customerId: string
  readonly stockOfB: number
  readonly customerCancels: boolean
}

function play(scenario: Scenario, choices: readonly number[], redeliver: readonly boolean[]) {
  const initial: Record<string, number> = { A: 10, B: scenario.stockOfB }
  const stock = { ...initial }
  const streams: Record<Service, EventEnvelope[]> = { orders: [], inventory: [], payments: [] }
  const placed = createEvent(
    OrderPlacedV1,
    {
      orderId: 'o-1',
      customerId: scenario.customerId,
      items: [
        { sku: 'A', quantity: 2, unitPrice: 1.5 },
        { sku: 'B', quantity: 1, unitPrice: 4 },
      ],
      total: 7,
    },
    { source: 'shop', timestamp: now },
  )
  const pending: { service: Service; event: EventEnvelope }[] = []
  const publish = (event: EventEnvelope) => {
    for (const service of Object.keys(subscriptions) as Service[]) {
      if (subscriptions[service].includes(event.eventType)) pending.push({ service, event })
    }
  }
  publish(placed)
  if (scenario.customerCancels) {
    publish(
      createEvent(
        OrderCancelledV2,
        { orderId: 'o-1', reason: 'changed mind', cancelledBy: 'customer' },
        { source: 'shop', timestamp: now, causationId: placed.eventId },
      ),
    )
  }
  const step = <C, E extends EventEnvelope, S>(
    service: Service,
    decider: Decider<C, E, S>,
    event: E,
    command: C,
  ) => {
    const reacting = reactingDecider(decider)
    const current = (streams[service] as E[]).reduce(reacting.evolve, reacting.initialState())
    const appended = reacting.decide({ trigger: event, command }, current)
    streams[service].push(...appended)
    for (const decided of appended.slice(1)) {
      for (const line of decided.eventType === 'inventory.reserved'
        ? (decided as InventoryStreamEvent & { eventType: 'inventory.reserved' }).payload.lines
        : []) {
        stock[line.sku]! -= line.quantity
      }
      for (const line of decided.eventType === 'inventory.released'
        ? (decided as InventoryStreamEvent & { eventType: 'inventory.released' }).payload.lines
        : []) {
        stock[line.sku]! += line.quantity
      }
      publish(decided)
    }
  }
  for (let i = 0; pending.length > 0; i++) {
    if (i > 500) throw new Error('the saga did not settle')
    const index = (choices[i % choices.length] ?? 0) % pending.length
    const { service, event } = pending[index]!
    if (!(redeliver[i % redeliver.length] && i < 40)) pending.splice(index, 1)
    if (service === 'orders') {
      step(
        service,
        orderDecider,
        event as OrderStreamEvent,
        settleCommandFor(event as OrderStreamEvent, now),
      )
    } else if (service === 'inventory') {
      const trigger = event as OrderPlaced | OrderCancelled
      step(service, inventoryDecider, trigger, stockCommandFor(trigger, { ...stock }, now))
    } else {
      const trigger = event as OrderPlaced | OrderCancelled
      step(service, paymentDecider, trigger, paymentCommandFor(trigger, demoCardProvider, now))
    }
  }
  const fold = <C, E, S>(decider: Decider<C, E, S>, events: readonly EventEnvelope[]) =>
    (events as E[]).reduce(decider.evolve, decider.initialState())
  return {
    initial,
    stock,
    streams,
    order: fold(orderDecider, streams.orders),
    reservation: fold(inventoryDecider, streams.inventory),
    payment: fold(paymentDecider, streams.payments as PaymentStreamEvent[]),
  }
}

const scenarios = fc.record({
  customerId: fc.constantFrom('c-1', DECLINED_CUSTOMER),
  stockOfB: fc.constantFrom(0, 5),
  customerCancels: fc.boolean(),
})
const deliveryOrders = fc.array(fc.nat(), { minLength: 1, maxLength: 40 })
const redeliveries = fc.array(fc.boolean(), { minLength: 1, maxLength: 40 })

describe('the order saga, any delivery order, with redeliveries', () => {
  it('settles every order confirmed or cancelled, and compensates every cancellation', () => {
    fc.assert(
      fc.property(scenarios, deliveryOrders, redeliveries, (scenario, choices, redeliver) => {
        const { order, reservation, payment, stock, initial, streams } = play(
          scenario,
          choices,
          redeliver,
        )
        expect(['confirmed', 'cancelled']).toContain(order.status)
        if (order.status === 'confirmed') {
          expect(reservation.status).toBe('reserved')
          expect(payment.status).toBe('authorized')
          expect(stock).toEqual({ A: initial.A! - 2, B: initial.B! - 1 })
        } else {
          expect(['none', 'rejected', 'released']).toContain(reservation.status)
          expect(['none', 'declined', 'voided']).toContain(payment.status)
          expect(stock).toEqual(initial)
        }
        const happy =
          scenario.customerId === 'c-1' && scenario.stockOfB > 0 && !scenario.customerCancels
        expect(order.status === 'confirmed').toBe(happy)
        for (const events of Object.values(streams)) {
          const ids = events.map((e) => e.eventId)
          expect(new Set(ids).size).toBe(ids.length)
          const decided = events.filter((e) => e.source !== 'shop').map((e) => e.eventType)
          expect(new Set(decided).size).toBe(decided.length)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('ends with the same order status and stock whatever the delivery order', () => {
    fc.assert(
      fc.property(scenarios, deliveryOrders, deliveryOrders, (scenario, one, other) => {
        const a = play(scenario, one, [false])
        const b = play(scenario, other, [false])
        expect(b.stock).toEqual(a.stock)
        expect(b.order.status).toBe(a.order.status)
        // What is held in the end is the same; how a cancellation got there may differ (a
        // reservation rejected, or never made because the cancellation came first).
        expect(b.reservation.status === 'reserved').toBe(a.reservation.status === 'reserved')
        expect(b.payment.status === 'authorized').toBe(a.payment.status === 'authorized')
      }),
      { numRuns: 200 },
    )
  })
})
