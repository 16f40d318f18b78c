import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FlowSampler } from '../../../cli/console/flow-sampler.ts'
import type { ConsumerFigures, PipelineReader } from '../../../cli/readers/index.ts'
import type { QueueDepth } from '../../../cli/readers/pipeline-reader.ts'
import type { PipelineResources } from '../../../contracts/outputs.ts'

/**
 * The console's flow sampler reads the pipeline only when asked (the page's figures), and
 * makes rates only over the gaps between reads that were watched.
 */
const resources = {
  consumers: [
    {
      name: 'orders',
      queueUrl: 'q',
      deadLetterQueueUrl: 'dlq',
      deliveryDeadLetterQueueUrl: 'ddlq',
    },
  ],
} as unknown as PipelineResources

/** A reader over figures the test sets, counting its reads: the pipeline's reader, in memory. */
function countingReader() {
  const state = { processed: 0, reads: 0 }
  const reader = {
    async queueDepth(): Promise<QueueDepth> {
      return { visible: 0, inFlight: 0, delayed: 0 }
    },
    async consumerFigures(): Promise<ConsumerFigures[]> {
      state.reads++
      return [
        {
          oldestAgeSeconds: null,
          processed: state.processed,
          duplicates: 0,
          deadLetteredRecords: 0,
          retried: 0,
          latencyP50Ms: null,
          latencyP99Ms: null,
        },
      ]
    },
  } as unknown as PipelineReader
  return { reader, state }
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-12-01T12:00:00Z') })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('the console flow sampler', () => {
  it('reads nothing while no page asks for figures', async () => {
    const { reader, state } = countingReader()
    new FlowSampler(reader, resources)
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    expect(state.reads).toBe(0)
  })

  it('makes a rate per read a page makes, and none over a pause nobody watched', async () => {
    const { reader, state } = countingReader()
    const flow = new FlowSampler(reader, resources, { gapMs: 15_000 })
    const readAfter = async (ms: number, processed: number) => {
      await vi.advanceTimersByTimeAsync(ms)
      state.processed = processed
      await flow.read()
    }
    const rates = () =>
      (flow.samples().orders ?? []).map((s) => [s.processedPerSecond, s.resumed] as const)

    await readAfter(0, 0) // the page opens: the base
    await readAfter(2000, 20)
    await readAfter(2000, 60)
    expect(rates()).toEqual([
      [10, false],
      [20, false],
    ])
    // The page closes for five minutes while 3,000 records are processed, then opens again:
    // its first read is the new base; the next makes a rate over 2 s, marked as resumed.
    await readAfter(5 * 60_000, 3060)
    expect(rates()).toHaveLength(2)
    await readAfter(2000, 3080)
    expect(rates()).toEqual([
      [10, false],
      [20, false],
      [10, true],
    ])
    await readAfter(2000, 3100)
    expect(rates().at(-1)).toEqual([10, false])
  })
})
