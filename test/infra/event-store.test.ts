import { Duration, type Stack } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam'
import { beforeAll, describe, expect, it } from 'vitest'
import { EventBus } from '../../lib/event-bus.ts'
import { EventStore, type EventStoreProps } from '../../lib/event-store.ts'
import { freshStack, resourcesOf, statementsOfRole } from './support.ts'

const idOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never)

describe('EventStore', () => {
  let stack: Stack
  let store: EventStore
  let bus: EventBus
  let template: Template

  beforeAll(() => {
    stack = freshStack()
    bus = new EventBus(stack, 'Bus')
    store = new EventStore(stack, 'Store', { bus })
    template = Template.fromStack(stack)
  })

  it('has an events table keyed pk (S) + sk (N), with a NEW_IMAGE stream, PITR and no LSI', () => {
    const table = resourcesOf(template, 'AWS::DynamoDB::Table')[idOf(stack, store.eventsTable)]!
    expect(table.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    })
    expect(table.Properties.LocalSecondaryIndexes).toBeUndefined()
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } },
      DeletionPolicy: 'Retain',
    })
  })

  it('has a snapshots table keyed pk (S) + sk (N)', () => {
    const table = resourcesOf(template, 'AWS::DynamoDB::Table')[idOf(stack, store.snapshotsTable)]!
    expect(table.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    })
    // No stream: a snapshot never reaches the outbox publisher.
    expect(table.Properties.StreamSpecification).toBeUndefined()
  })

  it('maps the stream to the publisher: INSERTs of decided events only, bisect, partial failures, finite retries, on-failure queue', () => {
    const mapping = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'))[0]!
    expect(mapping.Properties).toEqual({
      EventSourceArn: { 'Fn::GetAtt': [idOf(stack, store.eventsTable), 'StreamArn'] },
      FunctionName: { Ref: idOf(stack, store.publisher.function) },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 21600,
      ParallelizationFactor: 1,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [idOf(stack, store.failureQueue), 'Arn'] } },
      },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { NewImage: { origin: { S: ['decided'] } } },
            }),
          },
        ],
      },
    })
  })

  it('keeps failed stream records 14 days, encrypted', () => {
    const queue = resourcesOf(template, 'AWS::SQS::Queue')[idOf(stack, store.failureQueue)]!
    expect(queue.Properties).toMatchObject({
      MessageRetentionPeriod: 1209600,
      SqsManagedSseEnabled: true,
    })
  })

  it('gives the publisher the events table and topic, its source metadata, and only publish rights on the bus', () => {
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[
      idOf(stack, store.publisher.function)
    ]!
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: {
          EVENTS_TABLE: { Ref: idOf(stack, store.eventsTable) },
          EVENT_TOPIC_ARN: { Ref: idOf(stack, bus.topic) },
        },
      },
    })
    expect(fn.Metadata?.EventPipeline).toEqual({
      entry: 'functions/outbox-publisher/handler.ts',
      handler: 'handler',
    })
    const statements = statementsOfRole(template, idOf(stack, store.publisher.role))
    const actions = statements.flatMap((s) => s.Action)
    expect(actions.filter((a) => a.startsWith('sns:'))).toEqual(['sns:Publish'])
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ])
    for (const statement of statements) {
      const wildcard = statement.Resource.includes('*')
      if (wildcard) {
        // Only actions that have no resource-level permissions may use *.
        expect(statement.Action.sort()).toEqual(
          statement.Action.includes('dynamodb:ListStreams')
            ? ['dynamodb:ListStreams']
            : ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        )
      }
    }
  })

  it('grants appends as conditional puts on the events table only', () => {
    const stack = freshStack()
    const store = new EventStore(stack, 'Store', { bus: new EventBus(stack, 'Bus') })
    const role = new Role(stack, 'Appender', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    })
    store.grantAppend(role)
    const statements = statementsOfRole(Template.fromStack(stack), idOf(stack, role))
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
        Resource: [{ 'Fn::GetAtt': [idOf(stack, store.eventsTable), 'Arn'] }],
      },
    ])
  })
})

describe('EventStore validation', () => {
  const build = (props: Partial<EventStoreProps>) => () => {
    const stack = freshStack()
    return new EventStore(stack, 'Store', { bus: new EventBus(stack, 'Bus'), ...props })
  }

  it('rejects infinite or out-of-range retries', () => {
    expect(build({ publisherRetryAttempts: -1 })).toThrow(
      /publisherRetryAttempts must be a finite integer from 0 to 10000 \(got -1\)/,
    )
  })
  it('rejects a batch size outside 1 to 10000', () => {
    expect(build({ publisherBatchSize: 20000 })).toThrow(
      /publisherBatchSize must be an integer from 1 to 10000 \(got 20000\)/,
    )
  })
  it('rejects a maximum record age outside 1 minute to 7 days', () => {
    expect(build({ publisherMaxRecordAge: Duration.days(8) })).toThrow(
      /publisherMaxRecordAge must be from 1 minute to 7 days \(got 8 days\)/,
    )
  })
})
