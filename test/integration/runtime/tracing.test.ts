import { BroadcastChannel } from 'node:worker_threads'
import { afterAll, describe, expect, it } from 'vitest'
import {
  IN_PROCESS_EXPORTER,
  SPAN_CHANNEL,
  type SpanRecord,
} from '../../../contracts/trace-context.ts'
import { OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { consumer } from '../../../functions/runtime/index.ts'
import { stopTracing } from '../../../functions/tracing/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderPlaced } from './events.ts'
import { createConsumerResources, pollOnce, sendBodies, settingsFor } from './fixture.ts'

const aws = useEmbeddedAws()

// Tracing is per process: end it, so that the other suites of a shared worker trace nothing.
afterAll(() => stopTracing())

/** The spans the in-process exporter posts on SPAN_CHANNEL, as the pipeline's span store gets them. */
function collectSpans() {
  const spans: SpanRecord[] = []
  const channel = new BroadcastChannel(SPAN_CHANNEL)
  channel.onmessage = (message) => spans.push(...((message as MessageEvent).data as SpanRecord[]))
  return {
    spans,
    async until(count: number): Promise<SpanRecord[]> {
      const deadline = Date.now() + 10_000
      while (spans.length < count && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      return spans
    },
    close: () => channel.close(),
  }
}

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
const producerSpanId = '00f067aa0ba902b7'

describe('a traced batch', () => {
  it('has a batch span linking its messages, and a span per record that continues its message’s trace', async () => {
    const resources = await createConsumerResources(aws.endpoint, { maxReceiveCount: 5 })
    const handler = consumer({
      name: 'inventory',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      env: { OTEL_TRACES_EXPORTER: IN_PROCESS_EXPORTER },
      async handle(event) {
        if (event.payload.orderId === 'boom') throw new Error('stock service said no')
      },
    })
    const ok = orderPlaced('ok')
    const boom = orderPlaced('boom')
    await sendBodies(resources.sqs, resources.queueUrl, [
      {
        body: JSON.stringify(ok),
        attributes: { traceparent: `00-${traceId}-${producerSpanId}-01` },
      },
      { body: JSON.stringify(boom) },
      { body: '{not json' },
    ])
    const collected = collectSpans()
    const invocation = await pollOnce(handler, resources)
    expect(invocation.ok).toBe(true)
    const queue = resources.queueArn.slice(resources.queueArn.lastIndexOf(':') + 1)
    const idOf = (match: (body: string) => boolean) =>
      invocation.messages.find((message) => match(message.Body!))!.MessageId!
    const okId = idOf((body) => body.includes('"orderId":"ok"'))
    const boomId = idOf((body) => body.includes('"orderId":"boom"'))
    const invalidId = idOf((body) => body === '{not json')

    // 1 batch span, 3 record spans, 2 handle spans, the lease of 2 and the completion of 1.
    const spans = await collected.until(9)
    collected.close()
    const processSpans = spans.filter((span) => span.name === `process ${queue}`)
    const batchSpan = processSpans.find((span) => !('messaging.message.id' in span.attributes))
    expect(batchSpan).toMatchObject({
      kind: 'consumer',
      attributes: {
        'messaging.system': 'aws_sqs',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': queue,
        'messaging.batch.message_count': 3,
        'event_pipeline.consumer': 'inventory',
      },
      // Linked to the one message sent in a trace.
      links: [{ traceId, spanId: producerSpanId }],
    })
    const recordSpan = (messageId: string) =>
      processSpans.find((span) => span.attributes['messaging.message.id'] === messageId)!

    const okSpan = recordSpan(okId)
    expect(okSpan).toMatchObject({
      traceId,
      parentSpanId: producerSpanId,
      kind: 'consumer',
      status: 'unset',
      attributes: {
        'messaging.destination.name': queue,
        'event_pipeline.consumer': 'inventory',
        'event_pipeline.event.id': ok.eventId,
        'event_pipeline.event.type': 'order.placed',
        'event_pipeline.idempotency.key': `inventory#${ok.eventId}`,
        'event_pipeline.outcome': 'processed',
      },
      links: [{ traceId: batchSpan!.traceId, spanId: batchSpan!.spanId }],
    })
    // A message sent without a trace is processed in the batch's.
    const boomSpan = recordSpan(boomId)
    expect(boomSpan).toMatchObject({
      traceId: batchSpan!.traceId,
      parentSpanId: batchSpan!.spanId,
      status: 'error',
      statusMessage: 'retry',
      attributes: { 'event_pipeline.outcome': 'retry', 'event_pipeline.event.id': boom.eventId },
    })
    const invalidSpan = recordSpan(invalidId)
    expect(invalidSpan).toMatchObject({
      status: 'error',
      statusMessage: 'dead-lettered',
      attributes: { 'event_pipeline.outcome': 'dead-lettered' },
      events: [
        {
          name: 'invalid record',
          attributes: { reason: expect.stringMatching(/^record body is not valid JSON/) },
        },
      ],
    })
    expect(invalidSpan.attributes).not.toHaveProperty('event_pipeline.event.id')

    const childrenOf = (parent: SpanRecord) =>
      spans
        .filter((span) => span.parentSpanId === parent.spanId && span.traceId === parent.traceId)
        .map((span) => ({ name: span.name, status: span.status }))
    expect(childrenOf(okSpan)).toEqual(
      expect.arrayContaining([
        { name: 'idempotency lease', status: 'unset' },
        { name: 'handle', status: 'unset' },
        { name: 'idempotency complete', status: 'unset' },
      ]),
    )
    expect(childrenOf(boomSpan)).toEqual(
      expect.arrayContaining([
        { name: 'idempotency lease', status: 'unset' },
        { name: 'handle', status: 'error' },
      ]),
    )
    expect(childrenOf(boomSpan).map(({ name }) => name)).not.toContain('idempotency complete')
    const failedHandle = spans.find(
      (span) => span.name === 'handle' && span.parentSpanId === boomSpan.spanId,
    )
    expect(failedHandle).toMatchObject({ statusMessage: 'Error: stock service said no' })
  })
})
