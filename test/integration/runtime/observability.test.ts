import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { consumer, PermanentError } from '../../../functions/runtime/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderPlaced } from './events.ts'
import { createConsumerResources, pollOnce, sendBodies, settingsFor } from './fixture.ts'

const aws = useEmbeddedAws()

afterEach(() => {
  vi.restoreAllMocks()
})

describe('observability', () => {
  it('emits EMF metrics per consumer and JSON logs carrying each record’s correlation id', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const saved = { ...process.env }
    process.env.POWERTOOLS_METRICS_DISABLED = 'false'
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO'
    const logger = new Logger({ serviceName: 'inventory' })
    const metrics = new Metrics({
      namespace: 'EventPipeline',
      serviceName: 'inventory',
      defaultDimensions: { consumer: 'inventory' },
    })
    process.env = saved
    const handler = consumer({
      name: 'inventory',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      logger,
      metrics,
      async handle(event, { logger: log }) {
        if (event.payload.orderId === 'bad') throw new PermanentError('unknown sku')
        log.info('reserved')
      },
    })
    const ok = orderPlaced('ok')
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(ok) },
      { body: JSON.stringify(orderPlaced('bad')) },
    ])
    const lines: string[] = []
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk))
        return true
      })
    }
    const invocation = await pollOnce(handler, resources)
    vi.restoreAllMocks()
    expect(invocation.ok).toBe(true)

    const entries = lines
      .flatMap((line) => line.split('\n'))
      .filter(Boolean)
      .map((line) => JSON.parse(line))
    const emf = entries.find((entry) => entry._aws?.CloudWatchMetrics)
    expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'EventPipeline',
      Dimensions: [expect.arrayContaining(['service', 'consumer'])],
    })
    const names = emf._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)
    expect(names).toEqual(
      expect.arrayContaining([
        'processed',
        'failed',
        'deadLettered',
        'processingLatency',
        'eventAge',
      ]),
    )
    expect(emf).toMatchObject({ consumer: 'inventory', processed: 1, failed: 1, deadLettered: 1 })

    const reserved = entries.find((entry) => entry.message === 'reserved')
    expect(reserved).toMatchObject({
      level: 'INFO',
      service: 'inventory',
      eventId: ok.eventId,
      correlationId: 'corr-ok',
      eventType: 'order.placed',
    })
    const dead = entries.find((entry) => entry.message === 'dead-lettered')
    expect(dead).toMatchObject({
      level: 'ERROR',
      correlationId: 'corr-bad',
      errorName: 'PermanentError',
      errorMessage: 'unknown sku',
      attempt: 1,
    })
  })
})
