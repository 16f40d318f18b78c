import { describe, expect, it } from 'vitest'
import {
  IllegalOrderStateError,
  InvalidOrderCommandError,
  type OrderCommand,
  type OrderStreamEvent,
  orderDecider,
} from '../../../functions/orders/index.ts'
import { deciderSpec } from '../../support/given-when-then.ts'

const given = deciderSpec(orderDecider)
const at = (time: string) => ({ now: new Date(time), correlationId: 'corr-1' })

const placeOrder: OrderCommand = {
  type: 'PlaceOrder',
  data: {
    orderId: 'o-1',
    customerId: 'c-1',
    items: [
      { sku: 'A', quantity: 3, unitPrice: 0.1 },
      { sku: 'B', quantity: 1, unitPrice: 19.99 },
    ],
  },
  metadata: { ...at('2026-05-01T10:00:00.000Z'), eventId: 'e-placed' },
}
const cancelOrder: OrderCommand = {
  type: 'CancelOrder',
  data: { orderId: 'o-1', reason: 'changed mind' },
  metadata: { ...at('2026-05-01T11:00:00.000Z'), eventId: 'e-cancelled', causationId: 'cmd-9' },
}
const recordPayment = (amount: number): OrderCommand => ({
  type: 'RecordPayment',
  data: { orderId: 'o-1', paymentId: 'pay-1', amount },
  metadata: { ...at('2026-05-01T10:30:00.000Z'), eventId: 'e-paid', source: 'payments' },
})

const envelope = { version: 1 as const, source: 'orders', correlationId: 'corr-1' }
const placed: OrderStreamEvent = {
  ...envelope,
  eventId: 'e-placed',
  eventType: 'order.placed',
  timestamp: '2026-05-01T10:00:00.000Z',
  payload: {
    orderId: 'o-1',
    customerId: 'c-1',
    items: [
      { sku: 'A', quantity: 3, unitPrice: 0.1 },
      { sku: 'B', quantity: 1, unitPrice: 19.99 },
    ],
    total: 20.29,
  },
}
const cancelled: OrderStreamEvent = {
  ...envelope,
  eventId: 'e-cancelled',
  eventType: 'order.cancelled',
  timestamp: '2026-05-01T11:00:00.000Z',
  causationId: 'cmd-9',
  payload: { orderId: 'o-1', reason: 'changed mind' },
}
const paid: OrderStreamEvent = {
  ...envelope,
  source: 'payments',
  eventId: 'e-paid',
  eventType: 'payment.authorized',
  timestamp: '2026-05-01T10:30:00.000Z',
  payload: { orderId: 'o-1', paymentId: 'pay-1', customerId: 'c-1', amount: 20.29 },
}

describe('PlaceOrder', () => {
  it('places a new order, totalling the lines in cents', () => {
    given([]).when(placeOrder).then([placed])
  })
  it('refuses to place an order twice', () => {
    given([placed])
      .when(placeOrder)
      .thenThrows(IllegalOrderStateError, 'order o-1 is placed: PlaceOrder needs it none')
  })
  it('refuses an order without lines, naming the field', () => {
    const error = given([])
      .when({ ...placeOrder, data: { ...placeOrder.data, items: [] } } as OrderCommand)
      .thenThrows(InvalidOrderCommandError, /^PlaceOrder for order o-1 is invalid: payload.items/)
    expect((error as InvalidOrderCommandError).problems).toHaveLength(1)
  })
})

describe('CancelOrder', () => {
  it('cancels a placed order', () => {
    given([placed]).when(cancelOrder).then([cancelled])
  })
  it('cancels a paid order', () => {
    given([placed, paid]).when(cancelOrder).then([cancelled])
  })
  it('refuses to cancel an order that was never placed', () => {
    given([])
      .when(cancelOrder)
      .thenThrows(
        IllegalOrderStateError,
        'order o-1 is not placed: CancelOrder needs it placed or paid',
      )
  })
  it('refuses to cancel twice', () => {
    given([placed, cancelled])
      .when(cancelOrder)
      .thenThrows(IllegalOrderStateError, /is cancelled/)
  })
  it('refuses a command for another order than the stream is', () => {
    given([placed])
      .when({ ...cancelOrder, data: { orderId: 'o-2', reason: 'x' } })
      .thenThrows(InvalidOrderCommandError, "the state is order o-1's")
  })
})

describe('RecordPayment', () => {
  it("records the authorization of the order's total", () => {
    given([placed]).when(recordPayment(20.29)).then([paid])
  })
  it('refuses an amount other than the total', () => {
    given([placed])
      .when(recordPayment(20))
      .thenThrows(InvalidOrderCommandError, "amount 20 is not the order's total 20.29")
  })
  it('refuses to pay an order twice, or a cancelled one, or one never placed', () => {
    given([placed, paid])
      .when(recordPayment(20.29))
      .thenThrows(IllegalOrderStateError, /is paid/)
    given([placed, cancelled])
      .when(recordPayment(20.29))
      .thenThrows(IllegalOrderStateError, /is cancelled/)
    given([])
      .when(recordPayment(20.29))
      .thenThrows(IllegalOrderStateError, /not placed/)
  })
})

describe('evolve', () => {
  const fold = (events: OrderStreamEvent[]) =>
    events.reduce(orderDecider.evolve, orderDecider.initialState())

  it('starts with nothing', () => {
    expect(orderDecider.initialState()).toEqual({ status: 'none' })
  })

  it('keeps every fact and the status they add up to', () => {
    expect(fold([placed, paid, cancelled])).toEqual({
      status: 'cancelled',
      orderId: 'o-1',
      placed: {
        customerId: 'c-1',
        items: placed.payload.items,
        total: 20.29,
        placedAt: '2026-05-01T10:00:00.000Z',
        eventId: 'e-placed',
      },
      payment: {
        paymentId: 'pay-1',
        amount: 20.29,
        authorizedAt: '2026-05-01T10:30:00.000Z',
        eventId: 'e-paid',
      },
      cancellation: {
        reason: 'changed mind',
        cancelledAt: '2026-05-01T11:00:00.000Z',
        eventId: 'e-cancelled',
      },
    })
  })

  it('folds the same facts recorded in any order to the same state', () => {
    const orders = [
      [placed, paid, cancelled],
      [cancelled, placed, paid],
      [paid, cancelled, placed],
      [cancelled, paid, placed],
    ]
    for (const events of orders) expect(fold(events)).toEqual(fold(orders[0]!))
    expect(fold([paid, placed]).status).toBe('paid')
  })
})
