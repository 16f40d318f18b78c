import { Template } from 'aws-cdk-lib/assertions'
import { describe, expect, it } from 'vitest'
import { RUNTIME_METRICS } from '../../contracts/runtime-metrics.ts'
import { Consumer } from '../../lib/consumer.ts'
import { EventBus } from '../../lib/event-bus.ts'
import { PipelineMonitoring } from '../../lib/pipeline-monitoring.ts'
import { freshStack, idempotencyTableIn, resourcesOf } from './support.ts'

describe('PipelineMonitoring.monitorConsumer', () => {
  it('graphs the runtime metrics under the dimensions the runtime emits them with: service and consumer', () => {
    const stack = freshStack()
    const consumer = new Consumer(stack, 'Inventory', {
      bus: new EventBus(stack, 'Bus'),
      consumerName: 'inventory',
      events: ['order.placed'],
      entry: 'functions/consumers/inventory/handler.ts',
      idempotencyTable: idempotencyTableIn(stack),
    })
    new PipelineMonitoring(stack, 'Monitoring').monitorConsumer(consumer)
    const [dashboard] = Object.values(
      resourcesOf(Template.fromStack(stack), 'AWS::CloudWatch::Dashboard'),
    )
    const body = JSON.stringify(dashboard!.Properties.DashboardBody)

    // Powertools Metrics puts `service` (POWERTOOLS_SERVICE_NAME, the consumer's name) and
    // the runtime's default dimension `consumer` in one dimension set: a graph that names
    // only one of them is another metric, with no data.
    for (const metric of Object.values(RUNTIME_METRICS)) {
      const graphed = [
        ...body.matchAll(
          new RegExp(`\\[\\\\"EventPipeline\\\\",\\\\"${metric}\\\\",([^{]*)\\{`, 'g'),
        ),
      ].map((match) => match[1])
      expect(graphed.length, metric).toBeGreaterThan(0)
      for (const dimensions of graphed) {
        expect(dimensions).toContain('\\"service\\",\\"inventory\\"')
        expect(dimensions).toContain('\\"consumer\\",\\"inventory\\"')
      }
    }
  })
})
