import { describe, expect, it } from 'vitest'
import { selectsType } from '../../../cli/trace.ts'

const filter = (policy: Record<string, unknown>) => ({ policy, scope: 'MessageAttributes' })

describe("trace's subscription check", () => {
  const versioned = filter({
    $or: [
      { eventType: ['order.placed'], version: ['1'] },
      { eventType: ['order.cancelled'], version: ['1', '2'] },
    ],
  })

  it('matches a versioned subscription at the versions given', () => {
    expect(selectsType(versioned, 'order.placed', [1])).toBe(true)
    expect(selectsType(versioned, 'order.placed', [2])).toBe(false)
    expect(selectsType(versioned, 'order.cancelled', [1, 2])).toBe(true)
    expect(selectsType(versioned, 'order.confirmed', [1])).toBe(false)
  })

  it('matches by type alone when no version is known, undecided where the version decides', () => {
    expect(selectsType(filter({ eventType: ['order.placed'] }), 'order.placed', [])).toBe(true)
    expect(selectsType(filter({ eventType: ['order.placed'] }), 'order.shipped', [])).toBe(false)
    expect(selectsType(versioned, 'order.placed', [])).toBeUndefined()
    expect(selectsType(undefined, 'order.placed', [1])).toBeUndefined()
  })
})
