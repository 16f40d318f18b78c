import { describe, expect, it } from 'vitest'
import { describeChaos, runChaos } from '../chaos/chaos.ts'

/**
 * The chaos run (test/chaos/chaos.ts) at a size that fits `npm test`: 20 orders (every
 * branch of the saga among them) through `pipeline dev --data-dir` with 10 % transient
 * faults and 2 % lost replies on every service, poison, duplicate publishes (one at least)
 * and a kill -9. The kill comes between the orders and
 * their cancellations, and replies are lost on writes only (where the caller's retry
 * settles them), so that no message waits out its 180 s visibility timeout; `npm run chaos`
 * runs 2,000 orders with the kill mid-run and lost replies everywhere.
 */
describe('the chaos run, sized down', () => {
  it('ends with every event processed exactly once or dead-lettered, every order settled, the counts reconciled', async () => {
    const summary = await runChaos({
      orders: 20,
      poisonRate: 0.05,
      kill: 'between-phases',
      lostReplies: 'writes',
      timeoutSeconds: 300,
    })
    const report = describeChaos(summary)
    expect(summary.problems, report).toEqual([])
    expect(summary.ok, report).toBe(true)
    expect(report).toMatch(/^reconciliation$/m)

    // What the run checked was there to check: faults injected, the kill survived, every
    // consumer had work, poison dead-lettered by each consumer that takes order.placed.
    const injected = Object.values(summary.injected)
    expect(injected.reduce((n, c) => n + c.lostReplies, 0)).toBeGreaterThan(0)
    expect(
      injected.reduce((n, c) => n + Object.values(c.errors).reduce((a, b) => a + (b ?? 0), 0), 0),
    ).toBeGreaterThan(0)
    expect(summary.kill).toMatch(/between phases/)
    expect(summary.published.duplicatesSent).toBeGreaterThan(0)
    expect(summary.published.cancellations).toBeGreaterThan(0)
    expect(Object.keys(summary.saga.branches).sort()).toEqual([
      'cancel',
      'confirmed',
      'declined',
      'out-of-stock',
    ])
    expect(summary.poisonDeadLettered).toBe(summary.published.poison)
    expect(summary.readModel).toEqual({ rows: 20, expected: 20 })
    for (const books of summary.consumers) {
      expect(books.processed + books.deadLettered, books.consumer).toBe(books.expected)
      expect(books.deadLettered, books.consumer).toBeGreaterThanOrEqual(summary.published.poison)
    }
  }, 420_000)
})
