import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CatalogueEntry } from '../../../cli/catalogue.ts'
import { catalogue } from '../../../functions/catalogue/index.ts'
import { type SmallPipeline, startSmallPipeline } from './dlq-pipeline.ts'
import { runPipeline } from './pipeline-cli.ts'

let pipeline: SmallPipeline

beforeAll(async () => {
  pipeline = await startSmallPipeline()
})
afterAll(async () => {
  await pipeline?.stop()
})

const entry = (entries: readonly CatalogueEntry[], name: string) =>
  entries.find((e) => `${e.eventType} v${e.version}` === name)

describe('pipeline catalogue', () => {
  it('--json: every type and version, its fields, producers, consumers, and what the target subscribes', async () => {
    const result = await runPipeline(['catalogue', '--json', '--endpoint', pipeline.endpoint])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const { target, events } = JSON.parse(result.stdout) as {
      target: string
      events: CatalogueEntry[]
    }
    expect(target).toBe('embedded')
    expect(events.map((e) => `${e.eventType} v${e.version}`).sort()).toEqual(
      catalogue.map((d) => `${d.type} v${d.version}`).sort(),
    )
    expect(entry(events, 'order.cancelled v2')).toMatchObject({
      upcastFrom: 1,
      fields: ['orderId', 'reason', 'cancelledBy?'],
      producers: ['shop', 'orders'],
      consumers: expect.arrayContaining([{ name: 'inventory', reads: 2 }]),
    })
    expect(entry(events, 'order.cancelled v1')?.consumers).toContainEqual({
      name: 'inventory',
      reads: 2,
    })
    expect(entry(events, 'order.placed v1')?.fields).toContain('items[].unitPrice')
    // The small pipeline's own subscriptions: ledger order.placed, mailer order.*, refunds order.cancelled.
    expect(entry(events, 'order.placed v1')?.subscribed).toEqual(['ledger', 'mailer'])
    expect(entry(events, 'order.cancelled v2')?.subscribed).toEqual(['mailer', 'refunds'])
    expect(entry(events, 'payment.voided v1')?.subscribed).toEqual([])
  })

  it('prints a table with a column for the target', async () => {
    const result = await runPipeline(['catalogue', '--endpoint', pipeline.endpoint])
    expect(result.code).toBe(0)
    const [header, ...rows] = result.stdout.trim().split('\n')
    expect(header).toMatch(
      /^event +upcast +fields +producers +consumers \(reads\) +subscribed on embedded$/,
    )
    expect(rows.find((r) => r.startsWith('order.cancelled v2'))).toMatch(
      /from v1 +orderId, reason, cancelledBy\? +shop, orders +orders, inventory.* +mailer, refunds$/,
    )
  })

  it('fails with one line when the named target has no pipeline', async () => {
    const result = await runPipeline(['catalogue', '--endpoint', 'http://127.0.0.1:9'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/^pipeline: nothing answers at http:\/\/127\.0\.0\.1:9/)
  })
})
