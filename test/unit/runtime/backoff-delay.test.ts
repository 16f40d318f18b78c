import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../../functions/runtime/index.ts'

const policy = { baseSeconds: 1, capSeconds: 900 }

describe('backoffDelay', () => {
  it('doubles the ceiling each receive: 1, 2, 4, 8 s at the top of the jitter', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, policy, () => 1))).toEqual([
      1, 2, 4, 8,
    ])
  })

  it('draws from the whole range [0, ceiling] (full jitter)', () => {
    expect(backoffDelay(5, policy, () => 0)).toBe(0)
    expect(backoffDelay(5, policy, () => 0.5)).toBe(8)
  })

  it('stops at the cap, and never asks for more than 12 hours can grant', () => {
    expect(backoffDelay(30, policy, () => 1)).toBe(900)
    // 12 h less a 5 min batching window and a 15 min function timeout since the receive
    expect(backoffDelay(60, { baseSeconds: 1, capSeconds: 10 ** 9 }, () => 1)).toBe(42_000)
  })
})
