import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  IllegalOrderStateError,
  InvalidOrderCommandError,
  type OrderCommand,
  type OrderStreamEvent,
  orderDecider,
} from '../../../functions/orders/index.ts'
import { deciderSpec } from '../../support/given-when-then.ts'
import {
  authorized,
  confirmed,
  customerCancelled,
  declined,
  items,
  metadata,
  placed,
  rejected,
  reserved,
  sagaCancelled,
} from '../../support/saga-events.ts'

const given = deciderSpec(orderDecider)

const placeOrder: OrderCommand = {
  type: 'PlaceOrder',
  data: { orderId: 'o-1', customerId: 'c-1', items },
  metadata: { ...metadata('e-placed', '10:00:00'), source: 'shop' },
}
const cancelOrder: OrderCommand = {
  type: 'CancelOrder',
  data: { orderId: 'o-1', reason: 'changed mind' },
  metadata: { ...metadata('e-cancelled', '10:05:00', 'e-placed'), source: 'shop' },
}
const settle = (causationId: string, eventId = 'e-confirmed'): OrderCommand => ({
  type: 'SettleOrder',
  data: { orderId: 'o-1' },
  metadata: metadata(eventId, '10:00:03', causationId),
})

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

describe('CancelOrder (the customer)', () => {
  it('cancels a placed order, or a confirmed one', () => {
    given([placed]).when(cancelOrder).then([customerCancelled])
    given([placed, reserved, authorized, confirmed]).when(cancelOrder).then([customerCancelled])
  })
  it('refuses to cancel an order that was never placed, or twice', () => {
    given([])
      .when(cancelOrder)
      .thenThrows(
        IllegalOrderStateError,
        'order o-1 is not placed: CancelOrder needs it placed or confirmed',
      )
    given([placed, customerCancelled])
      .when(cancelOrder)
      .thenThrows(IllegalOrderStateError, /is cancelled/)
  })
  it('refuses a command for another order than the stream is', () => {
    given([placed])
      .when({ ...cancelOrder, data: { orderId: 'o-2', reason: 'x' } })
      .thenThrows(InvalidOrderCommandError, "the state is order o-1's")
  })
})

describe('SettleOrder (the saga)', () => {
  it('confirms once the stock is reserved and the payment authorized, whichever came last', () => {
    given([placed, reserved, authorized]).when(settle('e-authorized')).then([confirmed])
    given([authorized, reserved, placed])
      .when(settle('e-authorized'))
      .then([{ ...confirmed, causationId: 'e-authorized' }])
  })
  it('waits while the order, the reservation or the authorization is missing', () => {
    given([placed]).when(settle('e-placed')).then([])
    given([placed, reserved]).when(settle('e-reserved')).then([])
    given([placed, authorized]).when(settle('e-authorized')).then([])
    given([reserved, authorized]).when(settle('e-authorized')).then([])
  })
  it('cancels on a rejection, naming the SKUs short', () => {
    given([placed, rejected])
      .when(settle('e-rejected', 'e-saga-cancelled'))
      .then([sagaCancelled('out of stock: B (1 requested, 0 available)', 'e-rejected')])
  })
  it('cancels on a decline, with its reason, even before the order itself arrived', () => {
    given([declined])
      .when(settle('e-declined', 'e-saga-cancelled'))
      .then([sagaCancelled('payment declined: insufficient funds', 'e-declined')])
  })
  it('cancels when the authorized amount is not the total', () => {
    const short = { ...authorized, payload: { ...authorized.payload, amount: 20 } }
    given([placed, reserved, short])
      .when(settle('e-authorized', 'e-saga-cancelled'))
      .then([
        sagaCancelled("payment authorized 20, but the order's total is 20.29", 'e-authorized'),
      ])
  })
  it('decides nothing once the order is confirmed or cancelled', () => {
    given([placed, reserved, authorized, confirmed]).when(settle('e-authorized')).then([])
    given([placed, customerCancelled, reserved, authorized]).when(settle('e-authorized')).then([])
    given([placed, rejected, sagaCancelled('out of stock', 'e-rejected'), declined])
      .when(settle('e-declined'))
      .then([])
  })
})

describe('evolve', () => {
  const fold = (events: readonly OrderStreamEvent[]) =>
    events.reduce(orderDecider.evolve, orderDecider.initialState())

  it('starts with nothing', () => {
    expect(orderDecider.initialState()).toEqual({ status: 'none' })
  })

  it('keeps every fact and the status they add up to', () => {
    expect(fold([placed, reserved, authorized, confirmed, customerCancelled])).toEqual({
      status: 'cancelled',
      orderId: 'o-1',
      placed: {
        at: '2026-05-01T10:00:00.000Z',
        eventId: 'e-placed',
        customerId: 'c-1',
        items,
        total: 20.29,
      },
      reservation: {
        at: '2026-05-01T10:00:01.000Z',
        eventId: 'e-reserved',
        lines: reserved.payload.lines,
      },
      payment: {
        at: '2026-05-01T10:00:02.000Z',
        eventId: 'e-authorized',
        paymentId: 'pay-1',
        amount: 20.29,
      },
      confirmation: { at: '2026-05-01T10:00:03.000Z', eventId: 'e-confirmed' },
      cancellation: {
        at: '2026-05-01T10:05:00.000Z',
        eventId: 'e-cancelled',
        reason: 'changed mind',
        cancelledBy: 'customer',
      },
    })
  })

  it('folds the same facts recorded in any order, with repeats, to the same state', () => {
    const facts: OrderStreamEvent[] = [
      placed,
      reserved,
      authorized,
      confirmed,
      customerCancelled,
      sagaCancelled('out of stock', 'e-rejected'),
    ]
    const recordings = fc
      .tuple(fc.shuffledSubarray(facts, { minLength: 1 }), fc.array(fc.nat(), { maxLength: 4 }))
      .chain(([some, repeats]) => {
        const withRepeats = [...some, ...repeats.map((i) => some[i % some.length]!)]
        return fc.tuple(
          fc.constant(some),
          fc.shuffledSubarray(withRepeats, { minLength: withRepeats.length }),
        )
      })
    fc.assert(
      fc.property(recordings, ([some, recorded]) => {
        expect(fold(recorded)).toEqual(fold(some))
      }),
    )
  })

  it('keeps the earlier of two cancellations, whichever was recorded first', () => {
    const saga = sagaCancelled('out of stock', 'e-rejected')
    expect(fold([customerCancelled, saga]).cancellation).toEqual(
      fold([saga, customerCancelled]).cancellation,
    )
    expect(fold([customerCancelled, saga]).cancellation?.cancelledBy).toBe('saga')
  })
})
