import { describe, expect, it } from 'vitest'
import type { RecordedEvent } from '../../../functions/event-store/index.ts'
import {
  type OrderStreamEvent,
  orderDecider,
  orderStateOf,
  ProjectionGapError,
  projectOrderView,
  toOrderView,
} from '../../../functions/orders/index.ts'

const base = { version: 1 as const, source: 'orders', correlationId: 'corr-1' }
const placed: OrderStreamEvent = {
  ...base,
  eventId: 'e-1',
  eventType: 'order.placed',
  timestamp: '2026-05-01T10:00:00.000Z',
  payload: {
    orderId: 'o-1',
    customerId: 'c-1',
    items: [{ sku: 'A', quantity: 2, unitPrice: 5 }],
    total: 10,
  },
}
const paid: OrderStreamEvent = {
  ...base,
  eventId: 'e-2',
  eventType: 'payment.authorized',
  timestamp: '2026-05-01T10:01:00.000Z',
  payload: { orderId: 'o-1', paymentId: 'p-1', customerId: 'c-1', amount: 10 },
}
const cancelled: OrderStreamEvent = {
  ...base,
  version: 2,
  eventId: 'e-3',
  eventType: 'order.cancelled',
  timestamp: '2026-05-01T10:02:00.000Z',
  payload: { orderId: 'o-1', reason: 'late', cancelledBy: 'customer' },
}
const at = (streamVersion: number, event: OrderStreamEvent): RecordedEvent<OrderStreamEvent> => ({
  streamId: 'order-o-1',
  streamVersion,
  origin: 'recorded',
  event,
})

describe('projectOrderView', () => {
  it('folds the stream into a row whose every attribute comes from the events', () => {
    const { view, applied } = projectOrderView(undefined, [
      at(1, placed),
      at(2, paid),
      at(3, cancelled),
    ])
    expect(applied).toBe(3)
    expect(view).toEqual({
      orderId: 'o-1',
      status: 'cancelled',
      version: 3,
      lastEventId: 'e-3',
      updatedAt: '2026-05-01T10:02:00.000Z',
      customerId: 'c-1',
      placedAt: '2026-05-01T10:00:00.000Z',
      itemCount: 2,
      total: 10,
      paidAt: '2026-05-01T10:01:00.000Z',
      paymentId: 'p-1',
      cancelledAt: '2026-05-01T10:02:00.000Z',
      cancelledBy: 'customer',
      cancelReason: 'late',
      placed: {
        at: '2026-05-01T10:00:00.000Z',
        eventId: 'e-1',
        customerId: 'c-1',
        items: [{ sku: 'A', quantity: 2, unitPrice: 5 }],
        total: 10,
      },
      payment: { at: '2026-05-01T10:01:00.000Z', eventId: 'e-2', paymentId: 'p-1', amount: 10 },
      cancellation: {
        at: '2026-05-01T10:02:00.000Z',
        eventId: 'e-3',
        reason: 'late',
        cancelledBy: 'customer',
      },
    })
  })

  it('applies one event at a time to the same row as a fold of all of them', () => {
    const whole = projectOrderView(undefined, [at(1, placed), at(2, paid), at(3, cancelled)]).view
    let view = projectOrderView(undefined, [at(1, placed)]).view
    view = projectOrderView(view, [at(2, paid)]).view
    view = projectOrderView(view, [at(3, cancelled)]).view
    expect(view).toEqual(whole)
  })

  it('skips versions the row already holds', () => {
    const { view } = projectOrderView(undefined, [at(1, placed), at(2, paid)])
    expect(projectOrderView(view, [at(1, placed), at(2, paid)])).toEqual({ view, applied: 0 })
    expect(projectOrderView(view, [at(2, paid), at(3, cancelled)]).applied).toBe(1)
  })

  it('refuses a version that does not follow the row, naming the missing ones', () => {
    const { view } = projectOrderView(undefined, [at(1, placed)])
    const error = (() => {
      try {
        projectOrderView(view, [at(4, cancelled)])
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ProjectionGapError)
    expect(error).toMatchObject({
      streamId: 'order-o-1',
      projectedVersion: 1,
      receivedVersion: 4,
      message:
        'stream order-o-1: the read model is at version 1 and got version 4; versions 2 to 3 are missing',
    })
    expect(() => projectOrderView(undefined, [at(2, paid)])).toThrow(ProjectionGapError)
  })

  it('keeps the whole state in the row, so the state read back is the state folded', () => {
    for (const events of [[placed], [cancelled], [paid, placed], [placed, paid, cancelled]]) {
      const state = events.reduce(orderDecider.evolve, orderDecider.initialState())
      const view = toOrderView(state, { version: events.length, eventId: 'x', timestamp: 't' })
      expect(orderStateOf(view)).toEqual(state)
    }
  })
})
