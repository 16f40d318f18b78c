import { describe, expect, it } from 'vitest'
import {
  catalogue,
  consumedEvents,
  currentEvents,
  latestEvent,
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
  it('keys the current definitions of the given types by type', () => {
    const events = consumedEvents(['order.placed', 'order.cancelled'])
    expect(Object.keys(events)).toEqual(['order.placed', 'order.cancelled'])
    expect(events['order.cancelled']).toBe(latestEvent('order.cancelled'))
  })
})
