import { Duration, Stack, Token, Validations } from 'aws-cdk-lib'
import type { ITable } from 'aws-cdk-lib/aws-dynamodb'
import { PolicyStatement } from 'aws-cdk-lib/aws-iam'
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources'
import { type Subscription, SubscriptionFilter } from 'aws-cdk-lib/aws-sns'
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions'
import {
  Queue,
  QueueEncryption,
  type RedriveAllowPolicy,
  RedrivePermission,
} from 'aws-cdk-lib/aws-sqs'
import { Construct } from 'constructs'
import { AWS_LIMITS } from '../contracts/aws-limits.ts'
import { CONSUMER_ENVIRONMENT, TABLE_ENVIRONMENT } from '../contracts/environment.ts'
import { idempotencyKeyPrefix } from '../contracts/idempotency-table.ts'
import {
  EVENT_MESSAGE_ATTRIBUTES,
  type EventSelector,
  isValidSelector,
  splitSelectors,
} from '../contracts/message-attributes.ts'
import { METRICS_NAMESPACE } from '../contracts/runtime-metrics.ts'
import type { EventBus } from './event-bus.ts'
import { physicalName } from './physical-name.ts'
import { DEFAULT_FUNCTION_TIMEOUT, PipelineFunction } from './pipeline-function.ts'
import { isBelow, outOfRange, type ValidationRule, validateProps } from './validation.ts'

/** How long a dead-letter queue keeps messages: SQS's maximum, so it outlives its source. */
export const DEAD_LETTER_RETENTION = Duration.days(14)

const RESERVED_ENVIRONMENT = new Set<string>([
  ...Object.values(CONSUMER_ENVIRONMENT),
  'NODE_OPTIONS',
  TABLE_ENVIRONMENT.events,
  TABLE_ENVIRONMENT.snapshots,
])

/** What a consumer may do with the items of a table it owns. */
const CONSUMER_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
]

/** SNS allows at most 150 values across a subscription's filter policy. */
const MAX_FILTER_VALUES = 150

/** Consumer names in use per bus, to reject a second consumer with the same name. */
const consumerNamesByBus = new WeakMap<EventBus, Set<string>>()

/** The props with their defaults applied. */
interface ConsumerSettings {
  readonly fifo: boolean
  readonly timeout: Duration
  readonly visibilityTimeout: Duration
  readonly maxReceiveCount: number
  readonly retentionPeriod: Duration
  readonly batchSize: number
  readonly maxConcurrency: number
}

function settingsOf(props: ConsumerProps): ConsumerSettings {
  const timeout = props.timeout ?? DEFAULT_FUNCTION_TIMEOUT
  return {
    fifo: props.bus.fifo,
    timeout,
    visibilityTimeout: props.visibilityTimeout ?? Duration.millis(timeout.toMilliseconds() * 6),
    maxReceiveCount: props.maxReceiveCount ?? 5,
    retentionPeriod: props.retentionPeriod ?? Duration.days(4),
    batchSize: props.batchSize ?? 10,
    maxConcurrency: props.maxConcurrency ?? 5,
  }
}

const seconds = (duration: Duration | undefined) =>
  duration === undefined ? undefined : duration.toMilliseconds() / 1000

/** Every rule a consumer's props must keep: AWS's limits and what the runtime needs. */
function consumerRules(
  props: ConsumerProps,
  settings: ConsumerSettings,
  namesOnBus: ReadonlySet<string>,
): ValidationRule[] {
  const { fifo, timeout, visibilityTimeout, maxReceiveCount, retentionPeriod } = settings
  const { batchSize, maxConcurrency } = settings
  const { exact, prefixes } = splitSelectors(props.events)
  const tableVariables = Object.keys(props.tables ?? {})
  const badSelectors = props.events.filter((selector) => !isValidSelector(selector))
  const versioned = Object.entries(props.versions ?? {})
  return [
    {
      failed: !/^[a-z][a-z0-9-]{0,39}$/.test(props.consumerName),
      message: `consumerName must be 1 to 40 lowercase letters, digits or hyphens, starting with a letter (got '${props.consumerName}')`,
    },
    {
      failed: namesOnBus.has(props.consumerName),
      message: `consumerName '${props.consumerName}' is already used by another consumer on this bus; give each consumer a unique name`,
    },
    {
      failed: props.events.length === 0,
      message:
        'events is empty, so the filter policy would match nothing; list event types (order.placed) or prefixes (order.*)',
    },
    {
      failed: badSelectors.length > 0,
      message: `events must be exact types (order.placed) or prefixes ending in .* (order.*); fix ${badSelectors.map((s) => `'${s}'`).join(', ')}`,
    },
    {
      failed: versioned.some(([type]) => !exact.includes(type)),
      message: `versions names types that events does not list exactly: ${versioned
        .filter(([type]) => !exact.includes(type))
        .map(([type]) => type)
        .join(', ')}; give versions only for exact types`,
    },
    {
      failed: versioned.some(
        ([, versions]) =>
          versions.length === 0 || versions.some((v) => !Number.isInteger(v) || v < 1),
      ),
      message: `versions must list at least one positive integer per type (got ${JSON.stringify(props.versions)})`,
    },
    ...(props.bus.catalogue?.problemsOf(props.consumerName, exact, props.versions ?? {}) ?? []).map(
      (message) => ({ failed: true, message }),
    ),
    {
      failed: exact.length + prefixes.length > MAX_FILTER_VALUES,
      message: `events has ${exact.length + prefixes.length} distinct values; an SNS filter policy allows at most ${MAX_FILTER_VALUES}: use prefixes (order.*) to cover several types`,
    },
    {
      failed: isBelow(seconds(visibilityTimeout), seconds(timeout)),
      message: `visibilityTimeout (${visibilityTimeout.toHumanString()}) is shorter than the function timeout (${timeout.toHumanString()}), which Lambda rejects; make it at least the timeout, ideally 6 x`,
    },
    {
      failed: isBelow(AWS_LIMITS.sqs.maxVisibilityTimeoutSeconds, seconds(visibilityTimeout)),
      message: `visibilityTimeout must be at most 12 hours, SQS's limit (got ${visibilityTimeout.toHumanString()})`,
    },
    {
      failed: outOfRange(maxReceiveCount, 1, 1000),
      message: `maxReceiveCount must be an integer from 1 to 1000 (got ${maxReceiveCount})`,
    },
    {
      failed:
        isBelow(seconds(retentionPeriod), 60) ||
        isBelow(DEAD_LETTER_RETENTION.toSeconds() - 1, seconds(retentionPeriod)),
      message: `retentionPeriod must be from 1 minute to less than the DLQ's 14 days, so the DLQ keeps messages longer than the queue (got ${retentionPeriod.toHumanString()})`,
    },
    {
      failed: outOfRange(batchSize, 1, 10000),
      message: `batchSize must be an integer from 1 to 10000 (got ${batchSize})`,
    },
    {
      failed:
        !Token.isUnresolved(batchSize) &&
        batchSize > 10 &&
        !fifo &&
        (props.maxBatchingWindow === undefined || props.maxBatchingWindow.toMilliseconds() === 0),
      message: `batchSize ${batchSize} is over 10 without a batching window, which Lambda rejects; set maxBatchingWindow (e.g. Duration.seconds(1)) or a batchSize of at most 10`,
    },
    {
      failed: fifo && !Token.isUnresolved(batchSize) && batchSize > 10,
      message: `batchSize must be at most 10 on a FIFO queue (got ${batchSize})`,
    },
    {
      failed: fifo && props.maxBatchingWindow !== undefined,
      message:
        'maxBatchingWindow is not supported on FIFO queues; remove it (the bus is FIFO, so this consumer is too)',
    },
    {
      failed: isBelow(AWS_LIMITS.lambda.maxBatchingWindowSeconds, seconds(props.maxBatchingWindow)),
      message: `maxBatchingWindow must be at most 5 minutes (got ${props.maxBatchingWindow?.toHumanString()})`,
    },
    {
      failed: outOfRange(maxConcurrency, 2, 1000),
      message: `maxConcurrency must be an integer from 2 to 1000, Lambda's range (got ${maxConcurrency})`,
    },
    {
      failed: tableVariables.some(
        (name) => !/^[A-Z][A-Z0-9_]*$/.test(name) || RESERVED_ENVIRONMENT.has(name),
      ),
      message: `tables keys are environment variable names: upper case, not one of ${[...RESERVED_ENVIRONMENT].join(', ')} (got ${tableVariables.join(', ')})`,
    },
    {
      // The type says so too; this catches JavaScript callers and casts.
      failed: props.idempotencyTable === undefined,
      message:
        "idempotencyTable is required: the consumer runtime refuses to start without one (pass the IdempotencyTable's table)",
    },
  ]
}

/** Props of a {@link Consumer}. */
export interface ConsumerProps {
  /** The bus to subscribe to. */
  readonly bus: EventBus
  /**
   * The consumer's name: lowercase letters, digits and hyphens, starting with a letter, at
   * most 40 characters; unique on its bus. It names the queues' outputs, the metrics'
   * `service` dimension and the consumer's idempotency keys.
   */
  readonly consumerName: string
  /**
   * The event types to receive: exact types (`order.placed`) or prefixes (`order.*`). At
   * least one; SNS allows at most 150 values in a filter policy.
   */
  readonly events: readonly EventSelector[]
  /**
   * The versions the subscription selects, per exact type of `events` (the `version`
   * attribute, matched exactly). A type not named here is delivered at every version.
   * @default - every version of every type
   */
  readonly versions?: Readonly<Record<string, readonly number[]>>
  /** The handler's TypeScript entry, relative to the repository root. */
  readonly entry: string
  /**
   * The exported handler name.
   * @default 'handler'
   */
  readonly handler?: string
  /**
   * The function timeout. Lambda allows 1 second to 15 minutes.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration
  /**
   * The function memory in MB (128 to 10240).
   * @default 256
   */
  readonly memorySize?: number
  /**
   * The queue's visibility timeout: at least the function timeout (Lambda rejects a shorter
   * one); SQS allows up to 12 hours.
   * @default - 6 x the function timeout, AWS's recommendation for Lambda consumers
   */
  readonly visibilityTimeout?: Duration
  /**
   * Receives before SQS moves a message to the DLQ (1 to 1000).
   * @default 5
   */
  readonly maxReceiveCount?: number
  /**
   * How long the queue keeps a message: from 1 minute to less than the DLQ's 14 days, so a
   * dead-lettered message never expires before its source copy would have.
   * @default Duration.days(4)
   */
  readonly retentionPeriod?: Duration
  /**
   * Records per invocation: 1 to 10 without a batching window (and on FIFO queues), up to
   * 10000 with one.
   * @default 10
   */
  readonly batchSize?: number
  /**
   * How long Lambda gathers records before invoking (up to 5 minutes). Not supported on
   * FIFO queues.
   * @default - none: invoke as soon as records are available
   */
  readonly maxBatchingWindow?: Duration
  /**
   * The most concurrent invocations the event source mapping starts (2 to 1000).
   * @default 5
   */
  readonly maxConcurrency?: number
  /**
   * The shared idempotency table. The consumer may read and write only its own items there
   * (partition keys starting with {@link idempotencyKeyPrefix}). Required: the consumer
   * runtime refuses to start without one.
   */
  readonly idempotencyTable: ITable
  /**
   * The tables the consumer owns, by the environment variable that carries each table's
   * name (e.g. `{ INVENTORY_TABLE: inventory }`). The consumer may read and write their
   * items (not Scan, not their indexes).
   * @default - none
   */
  readonly tables?: Readonly<Record<string, ITable>>
  /**
   * More environment variables for the function.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>
}

/**
 * One subscriber of the event bus: an SQS queue with its dead-letter queue, a subscription
 * whose filter policy selects the consumer's event types, and a Lambda function that
 * consumes the queue through an event source mapping.
 *
 * - Queue: SSE-SQS, TLS only, RedrivePolicy to the DLQ after `maxReceiveCount` receives,
 *   visibility timeout 6 x the function timeout by default.
 * - DLQ: 14 days retention (longer than the queue's), RedriveAllowPolicy `byQueue` naming
 *   only this queue.
 * - Subscription: raw message delivery, filter policy on the `eventType` message attribute
 *   (exact types and `prefix` matches), and its own DLQ for messages SNS fails to deliver.
 * - Event source mapping: ReportBatchItemFailures, batch size, batching window and
 *   maximum concurrency.
 * - Function: see {@link PipelineFunction}; it may consume only this queue, send only to
 *   this DLQ (the runtime dead-letters poison messages itself) and write only its tables.
 */
export class Consumer extends Construct {
  /** The consumer's name. */
  readonly consumerName: string
  /** The queue the function consumes. */
  readonly queue: Queue
  /** Where messages go after `maxReceiveCount` receives, and where the runtime dead-letters. */
  readonly deadLetterQueue: Queue
  /** Where SNS puts messages it could not deliver to {@link queue}. */
  readonly deliveryDeadLetterQueue: Queue
  /** The bus subscription. */
  readonly subscription: Subscription
  /** The consuming function. */
  readonly function: PipelineFunction
  /** The event source mapping. */
  readonly eventSource: SqsEventSource
  /** Receives before a message is dead-lettered. */
  readonly maxReceiveCount: number
  /** The event types and prefixes the subscription's filter policy selects. */
  readonly eventSelectors: readonly EventSelector[]

  constructor(scope: Construct, id: string, props: ConsumerProps) {
    super(scope, id)
    const settings = settingsOf(props)
    const namesOnBus = consumerNamesByBus.get(props.bus) ?? new Set<string>()
    consumerNamesByBus.set(props.bus, namesOnBus)
    validateProps(this, consumerRules(props, settings, namesOnBus))
    namesOnBus.add(props.consumerName)
    this.consumerName = props.consumerName
    this.maxReceiveCount = settings.maxReceiveCount
    this.eventSelectors = [...props.events]

    const queueName = this.queueName(settings.fifo)
    this.deadLetterQueue = this.newDeadLetterQueue('DeadLetterQueue', settings.fifo, {
      redrivePermission: RedrivePermission.BY_QUEUE,
      sourceQueues: [Queue.fromQueueArn(this, 'SourceQueueRef', this.queueArnOf(queueName))],
    })
    this.queue = new Queue(this, 'Queue', {
      queueName,
      fifo: settings.fifo || undefined,
      visibilityTimeout: settings.visibilityTimeout,
      retentionPeriod: settings.retentionPeriod,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
    })
    this.deliveryDeadLetterQueue = this.newDeadLetterQueue('DeliveryDeadLetterQueue', settings.fifo)
    this.subscription = this.subscribe(props.bus, props.events, props.versions)
    this.function = this.newFunction(props, settings)
    this.eventSource = new SqsEventSource(this.queue, {
      batchSize: settings.batchSize,
      maxBatchingWindow: props.maxBatchingWindow,
      maxConcurrency: settings.maxConcurrency,
      reportBatchItemFailures: true,
    })
    this.function.function.addEventSource(this.eventSource)

    this.grantDeadLettering()
    this.grantIdempotencyRecords(props.idempotencyTable)
    for (const table of Object.values(props.tables ?? {})) this.grantTableData(table)
    this.acknowledgeNagFindings()
  }

  /**
   * The queue's physical name. The DLQ's RedriveAllowPolicy names the queue and the queue's
   * RedrivePolicy names the DLQ; a Ref either way would be a circular dependency, so the
   * queue gets a name and the DLQ names it by a formatted ARN. SQS keeps a deleted queue's
   * name for 60 seconds, so the name is new with each creation of the stack.
   */
  private queueName(fifo: boolean): string {
    return physicalName(this, this.consumerName, {
      maxLength: AWS_LIMITS.sqs.maxQueueNameLength,
      suffix: fifo ? '.fifo' : '',
      reusedAfterDeletion: true,
    })
  }

  private queueArnOf(queueName: string): string {
    return Stack.of(this).formatArn({ service: 'sqs', resource: queueName })
  }

  /** A dead-letter queue: 14 days retention, SSE-SQS, TLS only. */
  private newDeadLetterQueue(
    id: string,
    fifo: boolean,
    redriveAllowPolicy?: RedriveAllowPolicy,
  ): Queue {
    return new Queue(this, id, {
      fifo: fifo || undefined,
      retentionPeriod: DEAD_LETTER_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      redriveAllowPolicy,
    })
  }

  /** The bus subscription: raw delivery, a filter policy on eventType, a delivery DLQ. */
  private subscribe(
    bus: EventBus,
    events: readonly EventSelector[],
    versions: Readonly<Record<string, readonly number[]>> = {},
  ): Subscription {
    return bus.topic.addSubscription(
      new SqsSubscription(this.queue, {
        rawMessageDelivery: true,
        deadLetterQueue: this.deliveryDeadLetterQueue,
        filterPolicy: subscriptionFilterPolicy(events, versions),
      }),
    )
  }

  /** The function, with the environment the consumer runtime reads (CONSUMER_ENVIRONMENT). */
  private newFunction(props: ConsumerProps, settings: ConsumerSettings): PipelineFunction {
    return new PipelineFunction(this, 'Handler', {
      entry: props.entry,
      handler: props.handler,
      timeout: settings.timeout,
      memorySize: props.memorySize,
      description: `Event pipeline consumer '${props.consumerName}' (${props.events.join(', ')})`,
      environment: {
        ...props.environment,
        [CONSUMER_ENVIRONMENT.consumerName]: props.consumerName,
        [CONSUMER_ENVIRONMENT.queueUrl]: this.queue.queueUrl,
        [CONSUMER_ENVIRONMENT.deadLetterQueueUrl]: this.deadLetterQueue.queueUrl,
        [CONSUMER_ENVIRONMENT.maxReceiveCount]: String(settings.maxReceiveCount),
        [CONSUMER_ENVIRONMENT.serviceName]: props.consumerName,
        [CONSUMER_ENVIRONMENT.metricsNamespace]: METRICS_NAMESPACE,
        [CONSUMER_ENVIRONMENT.idempotencyTable]: props.idempotencyTable.tableName,
        ...Object.fromEntries(
          Object.entries(props.tables ?? {}).map(([name, table]) => [name, table.tableName]),
        ),
      },
    })
  }

  /** The cdk-nag findings that do not apply to a consumer, each with why. */
  private acknowledgeNagFindings(): void {
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless::Serverless-SQSRedrivePolicy',
      reason: 'This is the dead-letter queue, the end of the line; it is redriven by hand.',
    })
    Validations.of(this.deliveryDeadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        'This is the subscription dead-letter queue for SNS delivery failures; cdk-nag only recognises queue and function DLQs.',
    })
    Validations.of(this.deliveryDeadLetterQueue).acknowledge({
      id: 'Serverless::Serverless-SQSRedrivePolicy',
      reason: 'This is a dead-letter queue, the end of the line; it is redriven by hand.',
    })
    Validations.of(this.function.function).acknowledge({
      id: 'Serverless::Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings do not support on-failure destinations; the queue RedrivePolicy moves failed messages to the DLQ.',
    })
  }

  /**
   * Lets the function move a poison message to this consumer's DLQ itself: sqs:SendMessage,
   * sqs:GetQueueAttributes and sqs:GetQueueUrl on the DLQ only.
   */
  private grantDeadLettering(): void {
    this.deadLetterQueue.grantSendMessages(this.function)
  }

  /**
   * Lets the function read and write items in a table it owns: GetItem, BatchGetItem, Query,
   * PutItem, UpdateItem, DeleteItem, BatchWriteItem and ConditionCheckItem on the table
   * itself (not its indexes, and no Scan, which a consumer has no use for), and the table's
   * KMS key when it has one.
   */
  private grantTableData(table: ITable): void {
    this.function.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: CONSUMER_TABLE_ACTIONS,
        resources: [table.tableArn],
      }),
    )
    table.encryptionKey?.grantEncryptDecrypt(this.function)
  }

  /**
   * Lets the function keep its own idempotency records: GetItem and UpdateItem on the table,
   * only for partition keys that start with the consumer's prefix. The runtime takes,
   * completes and releases a record with conditional updates, alone or as the Update items
   * of a TransactWriteItems (which DynamoDB authorizes as UpdateItem); it never puts,
   * deletes or condition-checks one.
   */
  private grantIdempotencyRecords(table: ITable): void {
    this.function.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': [`${idempotencyKeyPrefix(this.consumerName)}*`],
          },
        },
      }),
    )
  }
}

/**
 * A filter policy on the `eventType` attribute (exact types and prefixes) and, for the types
 * given versions, on the `version` attribute too. Types that share their versions share one
 * alternative; one alternative is a plain policy, several are a top-level `$or`.
 */
function subscriptionFilterPolicy(
  events: readonly EventSelector[],
  versions: Readonly<Record<string, readonly number[]>>,
): Record<string, SubscriptionFilter> {
  const { exact, prefixes } = splitSelectors(events)
  const groups = new Map<string, { types: string[]; versions?: string[] }>()
  const anyVersion = { types: [] as string[] }
  for (const type of exact) {
    const selected = versions[type]
    if (!selected) {
      anyVersion.types.push(type)
      continue
    }
    const values = [...new Set(selected)].sort((a, b) => a - b).map(String)
    const key = values.join(',')
    const group = groups.get(key) ?? { types: [], versions: values }
    group.types.push(type)
    groups.set(key, group)
  }
  const alternatives: Record<string, unknown>[] = []
  if (anyVersion.types.length > 0 || prefixes.length > 0) {
    alternatives.push({
      [EVENT_MESSAGE_ATTRIBUTES.eventType.name]: [
        ...anyVersion.types,
        ...prefixes.map((prefix) => ({ prefix })),
      ],
    })
  }
  for (const group of groups.values()) {
    alternatives.push({
      [EVENT_MESSAGE_ATTRIBUTES.eventType.name]: group.types,
      [EVENT_MESSAGE_ATTRIBUTES.version.name]: group.versions,
    })
  }
  if (alternatives.length === 1) {
    return Object.fromEntries(
      Object.entries(alternatives[0]!).map(([name, values]) => [
        name,
        new SubscriptionFilter(values as unknown[]),
      ]),
    )
  }
  // CDK's SubscriptionFilter has no $or; its conditions are written as given.
  return { $or: new SubscriptionFilter(alternatives) }
}
