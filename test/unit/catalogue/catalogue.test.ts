import { describe, expect, it } from 'vitest'
import {
  catalogue,
  createEvent,
  EventValidationError,
  InventoryRejectedV1,
  OrderCancelledV1,
  OrderCancelledV2,
  OrderPlacedV1,
  UnknownEventError,
  validateEvent,
} from '../../../functions/catalogue/index.ts'

const placed = {
  orderId: 'o-1',
  customerId: 'c-1',
  items: [
    { sku: 'A', quantity: 2, unitPrice: 0.1 },
    { sku: 'B', quantity: 1, unitPrice: 0.2 },
  ],
  total: 0.4,
}

describe('createEvent', () => {
  it('fills the envelope: id, type, version, timestamp, correlation to itself', () => {
    const event = createEvent(OrderPlacedV1, placed, {
      source: 'orders',
      timestamp: new Date('2026-05-01T12:00:00Z'),
    })
    expect(event).toMatchObject({
      eventType: 'order.placed',
      version: 1,
      timestamp: '2026-05-01T12:00:00.000Z',
      source: 'orders',
      payload: placed,
    })
    expect(event.correlationId).toBe(event.eventId)
    expect(event.causationId).toBeUndefined()
  })

  it('keeps a given correlation and causation', () => {
    const event = createEvent(
      OrderCancelledV1,
      { orderId: 'o-1', reason: 'changed mind' },
      { source: 'orders', correlationId: 'req-7', causationId: 'evt-1' },
    )
    expect(event).toMatchObject({ correlationId: 'req-7', causationId: 'evt-1' })
  })

  it('refuses a total that is not the sum of the lines, naming the field and the sum', () => {
    expect(() =>
      createEvent(OrderPlacedV1, { ...placed, total: 0.5 }, { source: 'orders' }),
    ).toThrow(/payload\.total: total 0\.5 is not the sum of the lines \(0\.40\)/)
  })

  it('refuses lines with no items, a zero quantity or a sub-cent price', () => {
    const error = (() => {
      try {
        createEvent(
          OrderPlacedV1,
          { ...placed, items: [{ sku: 'A', quantity: 0, unitPrice: 1.001 }], total: 0 },
          { source: 'orders' },
        )
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(EventValidationError)
    const issues = (error as EventValidationError).issues.join('\n')
    expect(issues).toMatch(/payload\.items\.0\.quantity/)
    expect(issues).toMatch(/payload\.items\.0\.unitPrice/)
  })
})

describe('validateEvent', () => {
  const valid = createEvent(OrderPlacedV1, placed, { source: 'orders' })

  it('accepts a catalogue event and strips unknown keys', () => {
    const parsed = validateEvent({ ...valid, extra: 1, payload: { ...valid.payload, x: 2 } })
    expect(parsed).toEqual(valid)
  })

  it('names an unknown type or version and lists the known ones', () => {
    expect(() => validateEvent({ ...valid, eventType: 'order.shipped' })).toThrow(UnknownEventError)
    expect(() => validateEvent({ ...valid, version: 2 })).toThrow(
      /order\.placed' version 2 is not in the catalogue \(known: order\.placed v1, order\.cancelled v1, order\.cancelled v2, order\.confirmed v1, inventory\.reserved v1, /,
    )
  })

  it('names each missing envelope field', () => {
    const { eventId: _, source: __, ...rest } = valid
    expect(() => validateEvent(rest)).toThrow(/eventId: .*; source: /)
  })

  it('refuses a timestamp without an offset', () => {
    expect(() => validateEvent({ ...valid, timestamp: '2026-05-01 12:00' })).toThrow(/timestamp/)
  })
})

describe('the saga events', () => {
  it("read a stored v1 cancellation as the customer's v2 one", () => {
    const v1 = createEvent(
      OrderCancelledV1,
      { orderId: 'o-1', reason: 'changed mind' },
      { source: 'shop' },
    )
    const upcast = OrderCancelledV2.upcastFrom?.upcast(v1)
    expect(OrderCancelledV2.payload.parse(upcast)).toEqual({
      orderId: 'o-1',
      reason: 'changed mind',
      cancelledBy: 'customer',
    })
  })

  it('refuse a rejection without its short SKUs, and a cancellation by nobody', () => {
    expect(() =>
      createEvent(InventoryRejectedV1, { orderId: 'o-1', shortSkus: [] }, { source: 'inventory' }),
    ).toThrow(/payload\.shortSkus/)
    expect(() =>
      createEvent(
        OrderCancelledV2,
        // @ts-expect-error: cancelledBy is customer or saga
        { orderId: 'o-1', reason: 'x', cancelledBy: 'someone' },
        { source: 'orders' },
      ),
    ).toThrow(/payload\.cancelledBy/)
  })

  it('keep the order., inventory. and payment. prefixes the subscriptions match', () => {
    for (const definition of catalogue) {
      expect(definition.type).toMatch(/^(order|inventory|payment)\./)
    }
  })
})
