import { describe, expect, it } from 'vitest'
import type { OnceSummary } from '../../cli/dev.ts'
import { runPipeline } from '../integration/cli/pipeline-cli.ts'

describe('pipeline dev --once', () => {
  it('runs 200 orders through every consumer of the stack from lib/app.ts and exits 0', async () => {
    const result = await runPipeline(['dev', '--once', '200', '--port', '0', '--json'], {
      timeoutMs: 180_000,
    })
    expect(result.code, result.stderr).toBe(0)
    const summary = JSON.parse(result.stdout) as OnceSummary
    const cancellations = summary.events - 200
    expect(summary).toMatchObject({ ok: true, orders: 200, deadLettered: 0, pending: [] })
    // order.placed reaches inventory, payments, notifications and projections;
    // order.cancelled all but payments (the subscriptions' filter policies).
    expect(summary.deliveriesExpected).toBe(200 * 4 + cancellations * 3)
    expect(summary.deliveriesMade).toBe(summary.deliveriesExpected)
    const processed = Object.fromEntries(summary.consumers.map((c) => [c.consumer, c.processed]))
    expect(processed).toEqual({
      inventory: summary.events,
      payments: 200,
      notifications: summary.events,
      projections: summary.events,
    })
    for (const consumer of summary.consumers) {
      expect(consumer).toMatchObject({ visible: 0, inFlight: 0, deadLettered: 0 })
      expect(consumer.latencyP99Ms).toBeGreaterThanOrEqual(consumer.latencyP50Ms ?? 0)
    }
  }, 200_000)

  it('exits 1 and names what was not delivered when the orders do not settle in time', async () => {
    const result = await runPipeline(['dev', '--once', '20', '--port', '0', '--timeout', '0'], {
      timeoutMs: 120_000,
    })
    expect(result.code, result.stderr).toBe(1)
    expect(result.stdout).toMatch(
      /not delivered: order\.placed [0-9a-f-]{36} to inventory, payments, notifications, projections/,
    )
    expect(result.stdout).toMatch(/FAILED: see above\.$/m)
  }, 150_000)
})
