import { describe, expect, it } from 'vitest'
import type { OnceSummary } from '../../cli/dev.ts'
import { runPipeline } from '../integration/cli/pipeline-cli.ts'

describe('pipeline dev --once', () => {
  it('runs 100 orders through the saga of the stack from lib/app.ts, every branch, and exits 0', async () => {
    const result = await runPipeline(
      [
        'dev',
        '--once',
        '100',
        '--mix',
        'declined=10%,out-of-stock=10%,cancel=15%',
        '--port',
        '0',
        '--json',
      ],
      { timeoutMs: 240_000 },
    )
    expect(result.code, result.stderr).toBe(0)
    const summary = JSON.parse(result.stdout) as OnceSummary
    expect(summary).toMatchObject({ ok: true, orders: 100, deadLettered: 0, pending: [] })
    expect(summary.deliveriesMade).toBe(summary.deliveriesExpected)
    expect(summary.duplicates).toBe(0)

    // The saga's outcome, not only delivery: every order settled as its branch says.
    const { saga } = summary
    expect(saga).toMatchObject({ ok: true, orders: 100, duplicates: 0, problems: [] })
    expect(saga.confirmed + saga.cancelled).toBe(100)
    for (const [branch, counts] of Object.entries(saga.branches)) {
      expect(counts.asExpected, branch).toBe(counts.orders)
    }
    expect(saga.confirmed).toBe(saga.branches.confirmed?.orders)
    // Every branch ran: each has a share of 10 % or more of 100 orders drawn at random, so
    // the chance that one has none is under 3 in 100,000.
    expect(Object.keys(saga.branches).sort()).toEqual([
      'cancel',
      'confirmed',
      'declined',
      'out-of-stock',
    ])
    for (const stock of saga.stock) expect(stock.available, stock.sku).toBe(stock.expected)
    const scarce = saga.stock.find((s) => s.sku === 'SKU-ROASTER-LIMITED')
    expect(scarce).toMatchObject({ before: 2, available: 2 })

    for (const consumer of summary.consumers) {
      expect(consumer).toMatchObject({ visible: 0, inFlight: 0, deadLettered: 0 })
      expect(consumer.latencyP99Ms).toBeGreaterThanOrEqual(consumer.latencyP50Ms ?? 0)
    }
  }, 260_000)

  it('exits 1 and names what was not delivered when the orders do not settle in time', async () => {
    const result = await runPipeline(['dev', '--once', '20', '--port', '0', '--timeout', '0'], {
      timeoutMs: 120_000,
    })
    expect(result.code, result.stderr).toBe(1)
    // Which events are still undelivered depends on how fast the pipeline is: every
    // order.placed can be delivered while the 20 orders are still being published, and then
    // what is named is a later step of the saga.
    expect(result.stdout).toMatch(
      /not delivered: [a-z]+\.[a-z]+ [0-9a-f-]{36} to (orders|inventory|payments|notifications|projections)/,
    )
    expect(result.stdout).toMatch(
      /saga: order order-[0-9a-f]{8} \([a-z-]+\) is not in the read model/,
    )
    expect(result.stdout).toMatch(/FAILED: see above\.$/m)
  }, 150_000)
})
