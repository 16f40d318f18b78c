import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DeadLetter } from '../../../cli/dlq-messages.ts'
import { orderPlaced } from '../runtime/events.ts'
import { type SmallPipeline, startSmallPipeline } from './dlq-pipeline.ts'
import { runPipeline } from './pipeline-cli.ts'

// Issue 17, defect 5: with --data-dir, `dlq show` consumed messages (5 before, 3 after, 0 on a
// second show) and a redrive after a show moved nothing.
describe('pipeline dlq on a pipeline with a data folder', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dlq-persistent-'))
  let pipeline: SmallPipeline
  const poison = ['o-1', 'o-2', 'o-3', 'o-4', 'o-5'].map((id) => orderPlaced(id))

  beforeAll(async () => {
    pipeline = await startSmallPipeline({ dataDir })
    pipeline.behaviour.ledger = 'fail'
    for (const event of poison) await pipeline.publish(event)
    let polled = 0
    while (polled < poison.length) polled += (await pipeline.poll('ledger')).messages.length
  })
  afterAll(async () => {
    await pipeline?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const dlq = (...args: string[]) => runPipeline(['dlq', ...args, '--endpoint', pipeline.endpoint])

  it('shows the same messages on every show, and a redrive after them moves them all', async () => {
    const shownIds = async () => {
      const shown = await dlq('show', 'ledger', '--json')
      expect(shown.code, shown.stderr).toBe(0)
      const { messages } = JSON.parse(shown.stdout) as { messages: DeadLetter[] }
      return messages.map((m) => m.eventId).sort()
    }
    const all = poison.map((e) => e.eventId).sort()
    expect(await shownIds()).toEqual(all)
    expect(await shownIds()).toEqual(all)
    pipeline.behaviour.ledger = 'succeed'
    const redriven = await dlq('redrive', 'ledger', '--json')
    expect(redriven.code, redriven.stderr).toBe(0)
    expect(JSON.parse(redriven.stdout)).toMatchObject({ moved: poison.length })
  })
})
