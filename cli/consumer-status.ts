import type { PipelineResources } from '../contracts/outputs.ts'
import { type ConsumerFigures, type PipelineReader, totalMessages } from './readers/index.ts'

/** What `pipeline status` shows for one consumer. */
export interface ConsumerStatus extends ConsumerFigures {
  readonly consumer: string
  /** Messages waiting on the consumer's queue. */
  readonly visible: number
  /** Messages received and not yet deleted (being processed, or waiting out a visibility timeout). */
  readonly inFlight: number
  /** Messages on the consumer's DLQ and its subscription's delivery DLQ. */
  readonly deadLettered: number
}

/** The status of every consumer of the pipeline. */
export async function consumerStatuses(
  reader: PipelineReader,
  pipeline: PipelineResources,
): Promise<ConsumerStatus[]> {
  const queues = await Promise.all(
    pipeline.consumers.map(async (c) => {
      const [queue, dlq, deliveryDlq] = await Promise.all([
        reader.queueDepth(c.queueUrl),
        reader.queueDepth(c.deadLetterQueueUrl),
        reader.queueDepth(c.deliveryDeadLetterQueueUrl),
      ])
      return {
        visible: queue.visible + queue.delayed,
        inFlight: queue.inFlight,
        deadLettered: totalMessages(dlq) + totalMessages(deliveryDlq),
      }
    }),
  )
  const figures = await reader.consumerFigures(pipeline.consumers)
  return pipeline.consumers.map((consumer, i) => ({
    consumer: consumer.name,
    ...queues[i]!,
    ...figures[i]!,
  }))
}
