import { describe, expect, it } from 'vitest'
import { describeWaterfall, waterfall } from '../../../cli/span-waterfall.ts'
import type { SpanRecord } from '../../../contracts/trace-context.ts'
import { SpanStore } from '../../../local/pipeline/span-store.ts'

const span = (
  spanId: string,
  parentSpanId: string | undefined,
  startTime: number,
  endTime: number,
  extra: Partial<SpanRecord> = {},
): SpanRecord => ({
  traceId: extra.traceId ?? 't1',
  spanId,
  ...(parentSpanId ? { parentSpanId } : {}),
  name: spanId,
  kind: 'internal',
  service: 'svc',
  startTime,
  endTime,
  status: 'unset',
  attributes: {},
  links: [],
  events: [],
  ...extra,
})

describe('waterfall', () => {
  it('puts each span after its parent, siblings by start, timed from the trace start', () => {
    const rows = waterfall([
      span('b', 'a', 1020, 1030),
      span('c', 'a', 1010, 1015),
      span('a', undefined, 1000, 1050),
      span('d', 'c', 1011, 1012),
      span('orphan', 'missing', 1040, 1041),
    ])
    expect(rows.map((r) => [r.span.spanId, r.depth, r.offsetMs, r.durationMs])).toEqual([
      ['a', 0, 0, 50],
      ['c', 1, 10, 5],
      ['d', 2, 11, 1],
      ['b', 1, 20, 10],
      ['orphan', 0, 40, 1],
    ])
  })

  it('draws bars on one time scale, with outcomes and errors', () => {
    const text = describeWaterfall([
      span('root', undefined, 0, 100),
      span('late', 'root', 50, 100, {
        status: 'error',
        statusMessage: 'retry',
        attributes: { 'event_pipeline.outcome': 'retry' },
      }),
    ])
    const [first, second] = text.split('\n')
    expect(first).toMatch(/^\s+0\.0ms\s+100\.0ms │█{40}│ root \(svc\)$/)
    expect(second).toMatch(/│ {20}█{20}│ {3}late \(svc\) → retry ✗ retry$/)
  })
})

describe('SpanStore', () => {
  it('indexes traces by the event ids their spans carry and drops the oldest trace first', () => {
    const store = new SpanStore(3)
    try {
      store.add([
        span('a', undefined, 0, 1, {
          traceId: 't1',
          attributes: { 'event_pipeline.event.id': 'e1' },
        }),
        span('b', 'a', 1, 2, { traceId: 't1' }),
      ])
      expect(store.spansOfEvent('e1').map((s) => s.spanId)).toEqual(['a', 'b'])
      store.add([
        span('c', undefined, 5, 6, {
          traceId: 't2',
          attributes: { 'event_pipeline.event.id': 'e2' },
        }),
        span('d', 'c', 6, 7, { traceId: 't2', attributes: { 'event_pipeline.event.id': 'e1' } }),
      ])
      // Four spans for three places: trace t1 goes whole; e1 is still in t2.
      expect(store.size).toBe(2)
      expect(store.trace('t1')).toEqual([])
      expect(store.spansOfEvent('e1').map((s) => s.spanId)).toEqual(['c', 'd'])
      expect(store.spansOfEvent('e2').map((s) => s.spanId)).toEqual(['c', 'd'])
    } finally {
      store.close()
    }
  })
})
