import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib'
import { AttributeType, BillingMode, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb'
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam'
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda'
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources'
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs'
import { Construct } from 'constructs'
import { POWERTOOLS_ENVIRONMENT, TABLE_ENVIRONMENT } from '../contracts/environment.ts'
import {
  EVENT_STORE_SCHEMA,
  ORIGIN_ATTRIBUTE,
  PUBLISHED_ORIGIN,
} from '../contracts/event-store-tables.ts'
import { DEAD_LETTER_RETENTION } from './consumer.ts'
import type { EventBus } from './event-bus.ts'
import { PipelineFunction } from './pipeline-function.ts'
import { isBelow, outOfRange, validateProps } from './validation.ts'

/** The outbox publisher's source path, relative to the repository root. */
export const OUTBOX_PUBLISHER_ENTRY = 'functions/outbox-publisher/handler.ts'

/** Props of an {@link EventStore}. */
export interface EventStoreProps {
  /** The bus the outbox publisher puts stored events on. */
  readonly bus: EventBus
  /**
   * What happens to the tables when they leave the stack. The events table is the source of
   * truth, so the default keeps it.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy
  /**
   * Stream records per publisher invocation (1 to 10000).
   * @default 100
   */
  readonly publisherBatchSize?: number
  /**
   * Retries of a failing batch before its records go to the failure queue (0 to 10000;
   * finite so that one poison record cannot stall the shard for the stream's 24 hours).
   * @default 10
   */
  readonly publisherRetryAttempts?: number
  /**
   * The oldest record the publisher still retries (1 minute to 7 days).
   * @default Duration.hours(6)
   */
  readonly publisherMaxRecordAge?: Duration
  /**
   * The publisher function's timeout (1 second to 15 minutes).
   * @default Duration.seconds(30)
   */
  readonly publisherTimeout?: Duration
}

/**
 * Event sourcing on DynamoDB with a transactional outbox: the events table (with a
 * NEW_IMAGE stream and point-in-time recovery), the snapshots table, and the outbox
 * publisher, a function on the events stream that puts every newly stored event on the bus.
 *
 * The publisher's event source mapping only passes INSERTs (stored events are immutable) of
 * events with origin `decided` (events recorded from the bus are not published again), starts
 * at TRIM_HORIZON, bisects a failing batch, reports the records it could not publish
 * (ReportBatchItemFailures), retries a finite number of times and then sends the failed
 * records' stream coordinates to {@link failureQueue}.
 */
export class EventStore extends Construct {
  /** The events table: one item per event, keyed by stream id and version ({@link EVENT_STORE_SCHEMA}). */
  readonly eventsTable: Table
  /** The snapshots table. */
  readonly snapshotsTable: Table
  /** The outbox publisher. */
  readonly publisher: PipelineFunction
  /** Where the stream mapping sends records it gave up on (their coordinates, not the events). */
  readonly failureQueue: Queue
  /** The stream event source of the publisher. */
  readonly publisherEventSource: DynamoEventSource

  constructor(scope: Construct, id: string, props: EventStoreProps) {
    super(scope, id)
    const batchSize = props.publisherBatchSize ?? 100
    const retryAttempts = props.publisherRetryAttempts ?? 10
    const maxRecordAge = props.publisherMaxRecordAge ?? Duration.hours(6)
    validateProps(this, [
      {
        failed: outOfRange(batchSize, 1, 10000),
        message: `publisherBatchSize must be an integer from 1 to 10000 (got ${batchSize})`,
      },
      {
        failed: outOfRange(retryAttempts, 0, 10000),
        message: `publisherRetryAttempts must be a finite integer from 0 to 10000 (got ${retryAttempts})`,
      },
      {
        failed: isBelow(maxRecordAge.toSeconds(), 60) || isBelow(604800, maxRecordAge.toSeconds()),
        message: `publisherMaxRecordAge must be from 1 minute to 7 days (got ${maxRecordAge.toHumanString()})`,
      },
    ])
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN

    this.eventsTable = new Table(this, 'Events', {
      partitionKey: { name: EVENT_STORE_SCHEMA.events.partitionKey, type: AttributeType.STRING },
      sortKey: { name: EVENT_STORE_SCHEMA.events.sortKey, type: AttributeType.NUMBER },
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream: StreamViewType.NEW_IMAGE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    })
    this.snapshotsTable = new Table(this, 'Snapshots', {
      partitionKey: {
        name: EVENT_STORE_SCHEMA.snapshots.partitionKey,
        type: AttributeType.STRING,
      },
      sortKey: { name: EVENT_STORE_SCHEMA.snapshots.sortKey, type: AttributeType.NUMBER },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    })

    this.failureQueue = new Queue(this, 'PublisherFailures', {
      retentionPeriod: DEAD_LETTER_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    })

    this.publisher = new PipelineFunction(this, 'OutboxPublisher', {
      entry: OUTBOX_PUBLISHER_ENTRY,
      timeout: props.publisherTimeout,
      description: 'Publishes events stored in the events table to the event bus',
      environment: {
        [TABLE_ENVIRONMENT.events]: this.eventsTable.tableName,
        ...props.bus.publisherEnvironment(),
        [POWERTOOLS_ENVIRONMENT.serviceName]: 'outbox-publisher',
      },
    })
    props.bus.grantPublish(this.publisher)

    this.publisherEventSource = new DynamoEventSource(this.eventsTable, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts,
      maxRecordAge,
      // One batch per shard at a time keeps each stream's events in order on the bus.
      parallelizationFactor: 1,
      onFailure: new SqsDlq(this.failureQueue),
      // Only events this system decided: events recorded from the bus are on it already.
      filters: [
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: {
            NewImage: { [ORIGIN_ATTRIBUTE]: { S: FilterRule.isEqual(PUBLISHED_ORIGIN) } },
          },
        }),
      ],
    })
    this.publisher.function.addEventSource(this.publisherEventSource)

    Validations.of(this.publisher.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Two actions without resource-level permissions need resource *: dynamodb:ListStreams (the stream reads themselves are scoped to the events table stream) and X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords).',
    })
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        'This queue is the on-failure destination of the outbox stream mapping, itself a dead-letter queue; cdk-nag only recognises queue and function DLQs.',
    })
    Validations.of(this.failureQueue).acknowledge({
      id: 'Serverless::Serverless-SQSRedrivePolicy',
      reason: 'This is a dead-letter destination, the end of the line; it is handled by hand.',
    })
  }

  /**
   * Lets a principal append events: dynamodb:PutItem and dynamodb:ConditionCheckItem on the
   * events table (appends are conditional puts, alone or in a transaction).
   */
  grantAppend(grantee: IGrantable): Grant {
    return this.eventsTable.grant(grantee, 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem')
  }

  /**
   * Lets a principal read streams and snapshots: dynamodb:GetItem and dynamodb:Query on both
   * tables.
   */
  grantReadStreams(grantee: IGrantable): void {
    this.eventsTable.grant(grantee, 'dynamodb:GetItem', 'dynamodb:Query')
    this.snapshotsTable.grant(grantee, 'dynamodb:GetItem', 'dynamodb:Query')
  }

  /** Lets a principal store snapshots: dynamodb:PutItem on the snapshots table. */
  grantWriteSnapshots(grantee: IGrantable): Grant {
    return this.snapshotsTable.grant(grantee, 'dynamodb:PutItem')
  }

  /** The environment an event store client needs: EVENTS_TABLE and SNAPSHOTS_TABLE. */
  clientEnvironment(): Record<string, string> {
    return {
      [TABLE_ENVIRONMENT.events]: this.eventsTable.tableName,
      [TABLE_ENVIRONMENT.snapshots]: this.snapshotsTable.tableName,
    }
  }
}
