import { describe, expect, it } from 'vitest'
import {
  catalogue,
  consumedEvents,
  currentEvents,
  latestEvent,
  OrderCancelledV1,
  OrderCancelledV2,
} from '../../../functions/catalogue/index.ts'

describe('currentEvents', () => {
  it('names each catalogue type once, at its newest version', () => {
    const types = [...new Set(catalogue.map((d) => d.type))].sort()
    expect(Object.keys(currentEvents).sort()).toEqual(types)
    for (const type of types) {
      expect(currentEvents[type as keyof typeof currentEvents], type).toBe(latestEvent(type))
    }
  })
})

describe('consumedEvents', () => {
  it('keys the definitions of the given types at the newest version given by type', () => {
    const events = consumedEvents({ 'order.placed': [1], 'order.cancelled': [1, 2] })
    expect(Object.keys(events)).toEqual(['order.placed', 'order.cancelled'])
    expect(events['order.cancelled']).toBe(OrderCancelledV2)
    expect(consumedEvents({ 'order.cancelled': [1] })['order.cancelled']).toBe(OrderCancelledV1)
  })

  it('refuses a version the catalogue lacks, naming the versions it has', () => {
    expect(() => consumedEvents({ 'order.placed': [1, 3] } as never)).toThrow(
      'the consumed events do not fit the catalogue: order.placed v3 is not in the catalogue (it has v1)',
    )
    expect(() => consumedEvents({ 'order.shipped': [1] } as never)).toThrow(
      'order.shipped v1 is not in the catalogue (no version of that type)',
    )
  })
})
