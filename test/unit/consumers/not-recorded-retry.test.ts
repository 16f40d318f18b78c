import { describe, expect, it } from 'vitest'
import { notRecordedRetrySeconds } from '../../../functions/consumers/projections/not-recorded-retry.ts'

describe('projections: the wait for an event the order stream does not hold yet', () => {
  it('looks again soon, and outlasts one visibility timeout of the orders queue before its last receive', () => {
    expect(notRecordedRetrySeconds(1)).toBeLessThanOrEqual(2)
    const waits = [1, 2, 3, 4].map(notRecordedRetrySeconds)
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1]!)
    // The orders consumer's queue hides a message it failed for 180 s (6 x its 30 s timeout);
    // the fifth receive (maxReceiveCount) must come after that, with room for its retry.
    const beforeLastReceive = waits.reduce((a, b) => a + b, 0)
    expect(beforeLastReceive).toBeGreaterThan(180 + 60)
    // Within what one ChangeMessageVisibility can grant, whatever the receive.
    expect(notRecordedRetrySeconds(9)).toBe(notRecordedRetrySeconds(4))
    expect(notRecordedRetrySeconds(4)).toBeLessThanOrEqual(900)
  })
})
