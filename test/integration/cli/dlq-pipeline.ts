import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import {
  CreateTopicCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns'
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs'
import { unroutableFilterPolicy } from '../../../contracts/message-attributes.ts'
import {
  CONSUMER_OUTPUT_FIELDS,
  type ConsumerOutputField,
  consumerOutputKey,
  OUTPUT_KEYS,
  type PipelineResources,
  parseStackOutputs,
} from '../../../contracts/outputs.ts'
import {
  type EventEnvelope,
  OrderCancelledV1,
  OrderPlacedV1,
} from '../../../functions/catalogue/index.ts'
import { consumer, PermanentError, TransientError } from '../../../functions/runtime/index.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { type EmbeddedAws, startEmbeddedAws } from '../../../local/embedded-aws.ts'
import { pipelineRoutes, type StackDocument } from '../../../local/pipeline/pipeline-routes.ts'
import { oldestMessageAgeSeconds } from '../../../local/pipeline/queue-age.ts'
import { type ConsumerResources, type Invocation, pollOnce } from '../runtime/fixture.ts'

/** The consumers of the small pipeline and the event types their filter policies select. */
export const smallConsumers = {
  ledger: { eventType: ['order.placed'] },
  mailer: { eventType: [{ prefix: 'order.' }] },
  refunds: { eventType: ['order.cancelled'] },
} as const
export type SmallConsumer = keyof typeof smallConsumers

/**
 * A pipeline small and quick enough for CLI tests: an embedded AWS serving stack outputs at
 * `/_pipeline/stack` like `pipeline dev`, a topic fanning out to three consumers (queue,
 * DLQ, delivery DLQ, filtered raw subscription), the idempotency and events tables, and the
 * real consumer runtime, run one poll at a time by the test with a handler it can break
 * and fix.
 */
export interface SmallPipeline {
  readonly aws: EmbeddedAws
  readonly endpoint: string
  readonly resources: PipelineResources
  readonly sqs: SQSClient
  readonly dynamodb: DynamoDBClient
  /**
   * `fail`: the handler throws a PermanentError (dead-lettered at once); `retry`: a
   * TransientError (its record RELEASED, the message back after a backoff).
   */
  readonly behaviour: Record<SmallConsumer, 'succeed' | 'fail' | 'retry'>
  /** What each consumer's handler was called with, by event id. */
  readonly handled: Record<SmallConsumer, string[]>
  publish(event: EventEnvelope): Promise<void>
  /** One poll of the consumer's event source mapping: receive, invoke the runtime, delete. */
  poll(name: SmallConsumer): Promise<Invocation>
  /** Changes a stack output the CLI reads, e.g. to point a consumer at a queue that does not exist. */
  setOutput(key: string, value: string): void
  stop(): Promise<void>
}

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT'
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true'

export async function startSmallPipeline(
  options: { readonly dataDir?: string } = {},
): Promise<SmallPipeline> {
  let served: StackDocument | undefined
  const queueNames = [
    ...Object.keys(smallConsumers).flatMap((name) => [name, `${name}-dlq`, `${name}-delivery-dlq`]),
    'unroutable',
  ]
  const aws = await startEmbeddedAws({
    port: 0,
    dataDir: options.dataDir,
    routes: pipelineRoutes(() =>
      served
        ? {
            stack: served,
            status: () => ({
              startedAt: '',
              functions: {},
              oldestMessageAgeSeconds: Object.fromEntries(
                queueNames.map((name) => [name, oldestMessageAgeSeconds(aws.sqsStore, name)]),
              ),
            }),
          }
        : undefined,
    ),
  })
  const config = emulatorClientConfig(aws.endpoint)
  const sqs = new SQSClient(config)
  const sns = new SNSClient(config)
  const dynamodb = new DynamoDBClient(config)
  const { TopicArn: topicArn } = await sns.send(new CreateTopicCommand({ Name: 'events' }))
  const outputs: Record<string, string> = {
    [OUTPUT_KEYS.eventTopicArn]: topicArn!,
    [OUTPUT_KEYS.consumerNames]: Object.keys(smallConsumers).join(','),
    [OUTPUT_KEYS.idempotencyTableName]: 'idempotency',
    [OUTPUT_KEYS.eventsTableName]: 'events',
  }
  for (const key of Object.values(OUTPUT_KEYS)) outputs[key] ??= `unused-${key}`
  await dynamodb.send(
    new CreateTableCommand({
      TableName: 'idempotency',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  await dynamodb.send(
    new CreateTableCommand({
      TableName: 'events',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  const queueArn = async (queueUrl: string) =>
    (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes!.QueueArn!
  const queues = {} as Record<SmallConsumer, ConsumerResources>
  for (const [name, filterPolicy] of Object.entries(smallConsumers) as [SmallConsumer, object][]) {
    const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl!
    const deliveryUrl = (
      await sqs.send(new CreateQueueCommand({ QueueName: `${name}-delivery-dlq` }))
    ).QueueUrl!
    const queueUrl = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: {
            VisibilityTimeout: '30',
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: await queueArn(dlqUrl),
              maxReceiveCount: 3,
            }),
          },
        }),
      )
    ).QueueUrl!
    const arn = await queueArn(queueUrl)
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: arn,
        Attributes: {
          RawMessageDelivery: 'true',
          FilterPolicy: JSON.stringify(filterPolicy),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await queueArn(deliveryUrl) }),
        },
      }),
    )
    const values: Record<ConsumerOutputField, string> = {
      queueUrl,
      queueArn: arn,
      queueName: name,
      deadLetterQueueUrl: dlqUrl,
      deadLetterQueueArn: await queueArn(dlqUrl),
      deadLetterQueueName: `${name}-dlq`,
      deliveryDeadLetterQueueUrl: deliveryUrl,
      functionName: `${name}-function`,
    }
    for (const field of Object.keys(CONSUMER_OUTPUT_FIELDS) as ConsumerOutputField[]) {
      outputs[consumerOutputKey(name, field)] = values[field]
    }
    queues[name] = {
      sqs,
      dynamodb,
      queueUrl,
      queueArn: arn,
      dlqUrl,
      table: 'idempotency',
      maxReceiveCount: 3,
    }
  }
  // The bus's queue of what no consumer selects, subscribed as the stack subscribes it.
  const unroutableUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'unroutable' })))
    .QueueUrl!
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: await queueArn(unroutableUrl),
      Attributes: {
        RawMessageDelivery: 'true',
        FilterPolicy: JSON.stringify(
          unroutableFilterPolicy(['order.placed', 'order.*', 'order.cancelled']),
        ),
      },
    }),
  )
  outputs[OUTPUT_KEYS.unroutableQueueUrl] = unroutableUrl
  served = { stackName: 'SmallPipeline', region: aws.region, outputs }

  const behaviour: SmallPipeline['behaviour'] = {
    ledger: 'succeed',
    mailer: 'succeed',
    refunds: 'succeed',
  }
  const handled: SmallPipeline['handled'] = { ledger: [], mailer: [], refunds: [] }
  const handlers = Object.fromEntries(
    (Object.keys(queues) as SmallConsumer[]).map((name) => {
      const q = queues[name]
      return [
        name,
        consumer({
          name,
          events: { 'order.placed': OrderPlacedV1, 'order.cancelled': OrderCancelledV1 },
          queueUrl: q.queueUrl,
          dlqUrl: q.dlqUrl,
          maxReceiveCount: q.maxReceiveCount,
          idempotencyTable: q.table,
          clients: { sqs, dynamodb },
          async handle(event) {
            if (behaviour[name] === 'fail') {
              throw new PermanentError(`${name} is closed to order ${event.payload.orderId}`)
            }
            if (behaviour[name] === 'retry') {
              throw new TransientError(`${name} is busy with order ${event.payload.orderId}`)
            }
            handled[name].push(event.eventId)
          },
        }) as unknown as Parameters<typeof pollOnce>[0],
      ]
    }),
  ) as Record<SmallConsumer, Parameters<typeof pollOnce>[0]>

  return {
    aws,
    endpoint: aws.endpoint,
    resources: parseStackOutputs(outputs),
    sqs,
    dynamodb,
    behaviour,
    handled,
    async publish(event) {
      await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: JSON.stringify(event),
          MessageAttributes: {
            eventType: { DataType: 'String', StringValue: event.eventType },
            version: { DataType: 'String', StringValue: String(event.version) },
          },
        }),
      )
    },
    poll: (name) => pollOnce(handlers[name], queues[name]),
    setOutput(key, value) {
      outputs[key] = value
    },
    async stop() {
      served = undefined
      sqs.destroy()
      sns.destroy()
      dynamodb.destroy()
      await aws.stop()
    },
  }
}
