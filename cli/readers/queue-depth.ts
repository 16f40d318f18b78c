import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs'
import type { QueueDepth } from './pipeline-reader.ts'

/** A queue's approximate counts, from GetQueueAttributes (the same on every target). */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  )
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  }
}

/** Every message on a queue: visible, in flight and delayed. */
export function totalMessages(depth: QueueDepth): number {
  return depth.visible + depth.inFlight + depth.delayed
}
