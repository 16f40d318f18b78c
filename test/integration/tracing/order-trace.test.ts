import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoOrder } from '../../../cli/demo-orders.ts'
import { CONSUMERS } from '../../../contracts/consumers.ts'
import { SPAN_ATTRIBUTES, type SpanRecord } from '../../../contracts/trace-context.ts'
import { createPublisher } from '../../../functions/catalogue/index.ts'
import { startTracing, stopTracing } from '../../../functions/tracing/index.ts'
import { type DemoPipeline, startDemoPipeline } from '../../support/demo-pipeline.ts'

/**
 * One order's trace, read from the in-process exporter's span store: the publish, every
 * consumer of order.placed, the outbox publishing what they decided, and the consumers of
 * those events downstream, all one trace whose every span's parent is in it.
 */
let demo: DemoPipeline

beforeAll(async () => {
  // This process publishes, as `npm start` does: its spans go to the same store.
  await startTracing({ OTEL_TRACES_EXPORTER: 'in-process' }, 'test-publisher')
  demo = await startDemoPipeline({ tracing: true })
}, 120_000)
afterAll(async () => {
  await demo?.stop()
  await stopTracing()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('an order traced across SNS, SQS, Lambda and the outbox', () => {
  it('is one connected trace: publish → each consumer → outbox → downstream consumer', async () => {
    const { pipeline, target, resources } = demo
    const { placed } = demoOrder({ declined: 0, outOfStock: 0, cancel: 0 })
    const publisher = createPublisher({
      topicArn: resources.eventTopicArn,
      sns: target.clients.sns,
    })
    await publisher.publish(placed)

    const consumersOf = (eventType: string) =>
      Object.values(CONSUMERS)
        .filter((c) => Object.hasOwn(c.events, eventType))
        .map((c) => c.name)
    const processed = (spans: SpanRecord[], eventType: string) =>
      new Set(
        spans
          .filter(
            (s) =>
              s.kind === 'consumer' &&
              s.attributes[SPAN_ATTRIBUTES.eventType] === eventType &&
              s.attributes[SPAN_ATTRIBUTES.outcome] === 'processed',
          )
          .map((s) => String(s.attributes[SPAN_ATTRIBUTES.consumer])),
      )
    // The saga's end: every consumer done with the order's placement and its confirmation (a
    // projection may take the placement after the confirmation: it retries what is not recorded).
    const done = (spans: SpanRecord[]) =>
      (['order.placed', 'order.confirmed'] as const).every((type) =>
        consumersOf(type).every((c) => processed(spans, type).has(c)),
      )
    // Spans reach the store when they end, from each function's thread on its own schedule: a
    // consumer's span can be there before the outbox span it continues, which ends later. So
    // the trace is read once it is done, has no span whose parent is missing, and has not
    // grown for a second. Under load that takes longer; a trace that never settles still
    // fails below, on what is missing.
    const settled = (spans: SpanRecord[]) => {
      const ids = new Set(spans.map((s) => s.spanId))
      return done(spans) && spans.every((s) => !s.parentSpanId || ids.has(s.parentSpanId))
    }
    let spans: SpanRecord[] = []
    let stableSince = 0
    const deadline = Date.now() + 150_000
    while (Date.now() < deadline) {
      const now = pipeline.spans?.spansOfEvent(placed.eventId) ?? []
      if (now.length !== spans.length || !settled(now)) stableSince = Date.now()
      spans = now
      if (settled(spans) && Date.now() - stableSince >= 1000) break
      await sleep(250)
    }

    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1)
    const byId = new Map(spans.map((s) => [s.spanId, s]))
    const roots = spans.filter((s) => !s.parentSpanId)
    expect(roots.map((s) => [s.name, s.kind, s.service])).toEqual([
      [expect.stringMatching(/^send /), 'producer', 'test-publisher'],
    ])
    const orphans = spans.filter((s) => s.parentSpanId && !byId.get(s.parentSpanId))
    expect(orphans.map((s) => s.name)).toEqual([])
    const publish = roots[0]!

    // Every consumer of order.placed continues the publish's trace, with its handler under
    // it (each receive of the message is a span: the projection retries what is not yet recorded).
    for (const consumer of consumersOf('order.placed')) {
      const receives = spans.filter(
        (s) =>
          s.kind === 'consumer' &&
          s.attributes[SPAN_ATTRIBUTES.consumer] === consumer &&
          s.attributes[SPAN_ATTRIBUTES.eventId] === placed.eventId,
      )
      for (const receive of receives) expect(receive.parentSpanId).toBe(publish.spanId)
      const process = receives.find((s) => s.attributes[SPAN_ATTRIBUTES.outcome] === 'processed')
      expect(process, `${consumer} processed order.placed`).toBeDefined()
      const children = spans.filter((s) => s.parentSpanId === process?.spanId).map((s) => s.name)
      expect(children).toEqual(expect.arrayContaining(['idempotency lease', 'handle']))
    }

    // The outbox publishes what the handlers appended, in the handler's trace, and a consumer
    // downstream continues from that publish.
    const outboxSends = spans.filter((s) => s.kind === 'producer' && s !== publish)
    expect(outboxSends.length).toBeGreaterThan(0)
    for (const send of outboxSends) {
      expect(send.service).toMatch(/outbox/i)
      expect(ancestors(send, byId)).toContain(publish.spanId)
    }
    const downstream = spans.filter(
      (s) => s.kind === 'consumer' && outboxSends.some((send) => send.spanId === s.parentSpanId),
    )
    expect(new Set(downstream.map((s) => s.attributes[SPAN_ATTRIBUTES.eventType]))).toEqual(
      new Set(['inventory.reserved', 'payment.authorized', 'order.confirmed']),
    )
    // The DynamoDB requests of the handlers and of the idempotency records are in it too.
    expect(spans.some((s) => s.name === 'DynamoDB.TransactWriteItems')).toBe(true)
  }, 180_000)
})

function ancestors(span: SpanRecord, byId: ReadonlyMap<string, SpanRecord>): string[] {
  const ids: string[] = []
  let parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined
  while (parent) {
    ids.push(parent.spanId)
    parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined
  }
  return ids
}
