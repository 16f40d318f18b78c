import { type AttributeValue, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb'
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
} from '@aws-sdk/client-sns'
import { EVENT_STORE_SCHEMA, ORIGIN_ATTRIBUTE } from '../../contracts/event-store-tables.ts'
import {
  IDEMPOTENCY_RECORD_ATTRIBUTES,
  IDEMPOTENCY_TABLE_SCHEMA,
  idempotencyKey,
} from '../../contracts/idempotency-table.ts'
import {
  type ConsumerResources,
  type PipelineResources,
  parseStackOutputs,
} from '../../contracts/outputs.ts'
import type { SpanRecord } from '../../contracts/trace-context.ts'
import { CliError } from '../cli-error.ts'
import { type DeadLetter, peekDeadLetters } from '../dlq-messages.ts'
import type { Target } from '../target.ts'
import type {
  ConsumerFigures,
  IdempotencyRecord,
  PipelineReader,
  QueueDepth,
  StackTemplate,
  StoredEventPlace,
  SubscriptionFilter,
} from './pipeline-reader.ts'
import { queueDepth } from './queue-depth.ts'

/**
 * What every target serves through the AWS APIs (SQS, SNS, DynamoDB), read the same way;
 * a subclass says where the stack outputs and the runtime's figures come from.
 */
export abstract class AwsApiReader implements PipelineReader {
  readonly target: Target

  constructor(target: Target) {
    this.target = target
  }

  abstract resources(): Promise<PipelineResources>
  abstract consumerFigures(consumers: readonly ConsumerResources[]): Promise<ConsumerFigures[]>
  abstract oldestMessageAges(queueNames: readonly string[]): Promise<Map<string, number>>
  abstract spans(eventId: string): Promise<readonly SpanRecord[] | null>
  abstract stackTemplate(): Promise<StackTemplate>

  /** The stack's outputs as resources; outputs of another version of the app are a CliError. */
  protected pipelineOf(outputs: Readonly<Record<string, string>>): PipelineResources {
    try {
      return parseStackOutputs(outputs)
    } catch (error) {
      throw new CliError((error as Error).message, { cause: error })
    }
  }

  queueDepth(queueUrl: string): Promise<QueueDepth> {
    return queueDepth(this.target.clients.sqs, queueUrl)
  }

  async subscriptionFilters(topicArn: string): Promise<Map<string, SubscriptionFilter>> {
    const sns = this.target.clients.sns
    const filters = new Map<string, SubscriptionFilter>()
    let token: string | undefined
    do {
      const page = await sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }),
      )
      for (const subscription of page.Subscriptions ?? []) {
        if (!subscription.SubscriptionArn || !subscription.Endpoint) continue
        if (subscription.SubscriptionArn === 'PendingConfirmation') continue
        const { Attributes = {} } = await sns.send(
          new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription.SubscriptionArn }),
        )
        filters.set(subscription.Endpoint, {
          policy: Attributes.FilterPolicy ? JSON.parse(Attributes.FilterPolicy) : undefined,
          scope: Attributes.FilterPolicyScope ?? 'MessageAttributes',
        })
      }
      token = page.NextToken
    } while (token)
    return filters
  }

  deadLetters(queueUrl: string, queue: DeadLetter['queue'], limit: number): Promise<DeadLetter[]> {
    return peekDeadLetters(this.target.clients.sqs, queueUrl, queue, limit)
  }

  async idempotencyRecord(
    table: string,
    consumer: string,
    eventId: string,
  ): Promise<IdempotencyRecord | null> {
    const { Item } = await this.target.clients.dynamodb.send(
      new GetItemCommand({
        TableName: table,
        Key: { [IDEMPOTENCY_TABLE_SCHEMA.partitionKey]: { S: idempotencyKey(consumer, eventId) } },
        ConsistentRead: true,
      }),
    )
    if (!Item) return null
    const time = (name: string) => {
      const seconds = Number(Item[name]?.N)
      return Item[name]?.N !== undefined && Number.isFinite(seconds)
        ? new Date(seconds * 1000).toISOString()
        : undefined
    }
    const a = IDEMPOTENCY_RECORD_ATTRIBUTES
    const failures = Item[a.failures]?.N
    return {
      status: Item[a.status]?.S ?? 'UNKNOWN',
      ...defined({
        completedAt: time(a.completedAt),
        leaseExpiresAt: time(a.leaseExpiresAt),
        failures: failures === undefined ? undefined : Number(failures),
        firstFailureAt: time(a.firstFailureAt),
        lastFailureAt: time(a.lastFailureAt),
        expiresAt: time(IDEMPOTENCY_TABLE_SCHEMA.timeToLiveAttribute),
      }),
    }
  }

  async storedEventPlaces(
    table: string,
    eventId: string,
  ): Promise<{ stored: StoredEventPlace[]; caused: StoredEventPlace[] }> {
    const stored: StoredEventPlace[] = []
    const caused: StoredEventPlace[] = []
    let start: Record<string, AttributeValue> | undefined
    do {
      const page = await this.target.clients.dynamodb.send(
        new ScanCommand({
          TableName: table,
          FilterExpression: 'eventId = :id OR causationId = :id',
          ExpressionAttributeValues: { ':id': { S: eventId } },
          ExclusiveStartKey: start,
        }),
      )
      for (const item of page.Items ?? []) {
        const place: StoredEventPlace = {
          streamId: item[EVENT_STORE_SCHEMA.events.partitionKey]?.S ?? '',
          streamVersion: Number(item[EVENT_STORE_SCHEMA.events.sortKey]?.N),
          eventId: item.eventId?.S ?? '',
          eventType: item.eventType?.S ?? '',
          origin: item[ORIGIN_ATTRIBUTE]?.S ?? null,
          timestamp: item.timestamp?.S ?? null,
        }
        ;(place.eventId === eventId ? stored : caused).push(place)
      }
      start = page.LastEvaluatedKey
    } while (start)
    return { stored, caused }
  }
}

function defined<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>
}
