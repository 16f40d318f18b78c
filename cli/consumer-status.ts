import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch'
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs'
import { METRICS_NAMESPACE } from '../lib/consumer.ts'
import type { ConsumerResources, PipelineResources } from '../lib/outputs.ts'
import { type StatusDocument, statusRoute } from '../local/pipeline/pipeline-routes.ts'
import { latestMetricValues, oldestMessageAgeQuery } from './cloudwatch-figures.ts'
import { describeAwsError, type Target } from './target.ts'

/** What `pipeline status` shows for one consumer. */
export interface ConsumerStatus {
  readonly consumer: string
  /** Messages waiting on the consumer's queue. */
  readonly visible: number
  /** Messages received and not yet deleted (being processed, or waiting out a visibility timeout). */
  readonly inFlight: number
  /** Messages on the consumer's DLQ and its subscription's delivery DLQ. */
  readonly deadLettered: number
  readonly oldestAgeSeconds: number | null
  /** Records processed (embedded: since `npm start`; AWS: in the last hour, from CloudWatch). */
  readonly processed: number | null
  readonly latencyP50Ms: number | null
  readonly latencyP99Ms: number | null
}

/** The status of every consumer of the pipeline on a target. */
export async function consumerStatuses(
  target: Target,
  pipeline: PipelineResources,
): Promise<ConsumerStatus[]> {
  const sqs = new SQSClient({ ...target.clientConfig, maxAttempts: 2 })
  try {
    const queues = await Promise.all(pipeline.consumers.map((c) => queueFigures(sqs, c)))
    const runtime =
      target.name === 'embedded'
        ? await embeddedFigures(target, pipeline.consumers)
        : await cloudWatchFigures(target, pipeline.consumers)
    return pipeline.consumers.map((consumer, i) => ({
      consumer: consumer.name,
      ...(queues[i] as QueueFigures),
      ...(runtime[i] as RuntimeFigures),
    }))
  } catch (error) {
    throw describeAwsError(error, target)
  } finally {
    sqs.destroy()
  }
}

type QueueFigures = Pick<ConsumerStatus, 'visible' | 'inFlight' | 'deadLettered'>
type RuntimeFigures = Pick<
  ConsumerStatus,
  'oldestAgeSeconds' | 'processed' | 'latencyP50Ms' | 'latencyP99Ms'
>

async function queueFigures(sqs: SQSClient, consumer: ConsumerResources): Promise<QueueFigures> {
  const count = async (queueUrl: string) => {
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
      visible:
        Number(Attributes.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    }
  }
  const [queue, dlq, deliveryDlq] = await Promise.all([
    count(consumer.queueUrl),
    count(consumer.deadLetterQueueUrl),
    count(consumer.deliveryDeadLetterQueueUrl),
  ])
  return {
    visible: queue.visible,
    inFlight: queue.inFlight,
    deadLettered: dlq.visible + dlq.inFlight + deliveryDlq.visible + deliveryDlq.inFlight,
  }
}

/** From the running `pipeline dev`: what its event source mappings have seen. */
async function embeddedFigures(
  target: Target,
  consumers: readonly ConsumerResources[],
): Promise<RuntimeFigures[]> {
  const response = await fetch(`${target.endpoint}${statusRoute}`, {
    signal: AbortSignal.timeout(5000),
  })
  const status = response.ok ? ((await response.json()) as StatusDocument) : undefined
  return consumers.map((c) => {
    const figures = status?.functions[c.functionName]
    return {
      oldestAgeSeconds: status?.oldestMessageAgeSeconds[c.queueName] ?? null,
      processed: figures?.processed ?? (status ? 0 : null),
      latencyP50Ms: figures?.latencyP50Ms ?? null,
      latencyP99Ms: figures?.latencyP99Ms ?? null,
    }
  })
}

/**
 * From CloudWatch: the queue's ApproximateAgeOfOldestMessage (last 5 minutes) and the
 * consumer runtime's EMF metrics (`processed`, and `eventAge` for publish-to-processed
 * latency) over the last hour. Null where CloudWatch has no data (or no CloudWatch).
 */
async function cloudWatchFigures(
  target: Target,
  consumers: readonly ConsumerResources[],
): Promise<RuntimeFigures[]> {
  const queries: MetricDataQuery[] = consumers.flatMap((c, i) => {
    const runtime = (metric: string, stat: string, id: string): MetricDataQuery => ({
      Id: `${id}${i}`,
      MetricStat: {
        Metric: {
          Namespace: METRICS_NAMESPACE,
          MetricName: metric,
          Dimensions: [
            { Name: 'service', Value: c.name },
            { Name: 'consumer', Value: c.name },
          ],
        },
        Period: 3600,
        Stat: stat,
      },
    })
    return [
      oldestMessageAgeQuery(`age${i}`, c.queueName),
      runtime('processed', 'Sum', 'processed'),
      runtime('eventAge', 'p50', 'p50'),
      runtime('eventAge', 'p99', 'p99'),
    ]
  })
  let values = new Map<string, number>()
  try {
    values = await latestMetricValues(target, queries, 3_600_000)
  } catch {
    // No CloudWatch (LocalStack without it): the queue figures still stand.
  }
  const read = (id: string) => values.get(id) ?? null
  return consumers.map((_, i) => ({
    oldestAgeSeconds: read(`age${i}`),
    processed: read(`processed${i}`),
    latencyP50Ms: read(`p50${i}`),
    latencyP99Ms: read(`p99${i}`),
  }))
}
