import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RedriveSummary } from '../../../cli/dlq.ts'
import { orderPlaced } from '../runtime/events.ts'
import { queueDepth } from '../runtime/fixture.ts'
import { type SmallPipeline, startSmallPipeline } from './dlq-pipeline.ts'
import { runPipeline, spawnPipeline } from './pipeline-cli.ts'

let pipeline: SmallPipeline
const events = Array.from({ length: 6 }, (_, i) => orderPlaced(`o-again-${i}`))

const ledger = () => pipeline.resources.consumers.find((c) => c.name === 'ledger')!

/** Polls the ledger until `count` messages were received, returning them. */
async function pollLedger(count: number) {
  const received = []
  for (let i = 0; received.length < count && i < 200; i++) {
    received.push(...(await pipeline.poll('ledger')).messages)
  }
  return received
}

/**
 * Receives from the ledger until its DLQ holds `count` messages: SQS moves a message to the
 * DLQ on the receive after its last failed one, so the last failure is not there at once.
 */
async function untilDeadLettered(count: number) {
  for (let i = 0; i < 200; i++) {
    if ((await queueDepth(pipeline.sqs, ledger().deadLetterQueueUrl)) >= count) return
    await pipeline.poll('ledger')
  }
}

beforeAll(async () => {
  pipeline = await startSmallPipeline()
  pipeline.behaviour.ledger = 'fail'
  for (const event of events) await pipeline.publish(event)
  await pollLedger(events.length)
  await untilDeadLettered(events.length)
})
afterAll(async () => {
  await pipeline?.stop()
})

// Issue 17, defect 4: redriving 300 messages that still fail moved 81,705 in 300 s and went on:
// it kept receiving the copies dead-lettered again since it started.
describe('pipeline dlq redrive while the messages fail again', { timeout: 120_000 }, () => {
  it('moves the messages present when it started, shows progress, ends with counts', async () => {
    expect(await queueDepth(pipeline.sqs, ledger().deadLetterQueueUrl)).toBe(events.length)
    const redrive = spawnPipeline([
      'dlq',
      'redrive',
      'ledger',
      '--rate',
      '4',
      '--json',
      '--endpoint',
      pipeline.endpoint,
    ])
    // The consumer runs meanwhile and dead-letters every redriven message again, as new messages.
    let running = true
    const consumer = (async () => {
      while (running) {
        const { messages } = await pipeline.poll('ledger')
        if (messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 100))
      }
    })()
    const result = await Promise.race([
      redrive.result,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 60_000)),
    ])
    running = false
    await consumer
    redrive.child.kill('SIGKILL')
    if (!result) throw new Error('the redrive was still running after 60 s')
    const { code, stdout, stderr } = result
    expect(code, stderr).toBe(0)
    expect(JSON.parse(stdout) as RedriveSummary).toMatchObject({
      consumer: 'ledger',
      present: events.length,
      moved: events.length,
      notDeleted: 0,
    })
    for (let i = 1; i <= events.length; i++) expect(stderr).toContain(`(${i} of ${events.length})`)
    // Each moved message failed again and is back on the DLQ once, as a new message.
    await untilDeadLettered(events.length)
    expect(await queueDepth(pipeline.sqs, ledger().deadLetterQueueUrl)).toBe(events.length)
  })

  it('--max moves that many at most, --rate paces them, and says how many of how many', async () => {
    pipeline.behaviour.ledger = 'succeed'
    const result = await runPipeline([
      'dlq',
      'redrive',
      'ledger',
      '--max',
      '3',
      '--rate',
      '2',
      '--endpoint',
      pipeline.endpoint,
    ])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout.trim()).toBe(
      'redrove 3 of the 6 messages on the DLQ when it started to ledger; messages dead-lettered since then stay on the DLQ',
    )
    const moved = await pollLedger(3)
    const sent = moved.map((m) => Number(m.Attributes!.SentTimestamp)).sort((a, b) => a - b)
    expect(sent).toHaveLength(3)
    // Two intervals of 500 ms at 2 a second, less the first request's extra latency (a new
    // connection); unpaced, the three sends are tens of ms apart.
    expect(sent[2]! - sent[0]!).toBeGreaterThanOrEqual(800)
    expect(await queueDepth(pipeline.sqs, ledger().deadLetterQueueUrl)).toBe(3)
  })
})
