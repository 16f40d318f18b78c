import { Duration, type Stack } from 'aws-cdk-lib'
import { Match, Template } from 'aws-cdk-lib/assertions'
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb'
import { beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../functions/runtime/resolve-config.ts'
import { Consumer, type ConsumerProps } from '../../lib/consumer.ts'
import { EventBus } from '../../lib/event-bus.ts'
import {
  freshStack,
  idempotencyTableIn,
  renderName,
  resourcesOf,
  statementsOfRole,
} from './support.ts'

const ENTRY = 'functions/consumers/inventory/handler.ts'

function consumerIn(
  stack: Stack,
  props: Partial<ConsumerProps> = {},
  bus = new EventBus(stack, 'Bus'),
): Consumer {
  return new Consumer(stack, 'Inventory', {
    bus,
    consumerName: 'inventory',
    events: ['order.placed', 'order.cancelled'],
    entry: ENTRY,
    idempotencyTable: idempotencyTableIn(stack),
    ...props,
  })
}

const idOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never)

describe('Consumer, with defaults', () => {
  let stack: Stack
  let consumer: Consumer
  let template: Template
  let inventoryTable: Table
  let idempotencyTable: Table
  let ids: { queue: string; dlq: string; deliveryDlq: string; fn: string; role: string }

  beforeAll(() => {
    stack = freshStack()
    inventoryTable = new Table(stack, 'InventoryTable', {
      partitionKey: { name: 'sku', type: AttributeType.STRING },
    })
    idempotencyTable = new Table(stack, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
    })
    consumer = consumerIn(stack, {
      events: ['order.placed', 'payment.*'],
      idempotencyTable,
      tables: { INVENTORY_TABLE: inventoryTable },
    })
    template = Template.fromStack(stack)
    ids = {
      queue: idOf(stack, consumer.queue),
      dlq: idOf(stack, consumer.deadLetterQueue),
      deliveryDlq: idOf(stack, consumer.deliveryDeadLetterQueue),
      fn: idOf(stack, consumer.function.function),
      role: idOf(stack, consumer.function.role),
    }
  })

  it('gives the queue a visibility timeout of 6 x the function timeout and a redrive policy to its DLQ after 5 receives', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 30 })
    const queue = resourcesOf(template, 'AWS::SQS::Queue')[ids.queue]!
    expect(queue.Properties).toMatchObject({
      VisibilityTimeout: 180,
      MessageRetentionPeriod: 345600,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] },
        maxReceiveCount: 5,
      },
    })
  })

  it('keeps dead letters 14 days, longer than the queue, and lets only its own queue redrive into the DLQ', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue')
    // Named for the stack (its stage) and consumer, new with each creation of the stack.
    const queueName = renderName(queues[ids.queue]!.Properties.QueueName)
    expect(queueName).toBe('Test-inventory-<instance>')
    const dlq = queues[ids.dlq]!.Properties
    expect(dlq.MessageRetentionPeriod).toBe(1209600)
    expect(dlq.MessageRetentionPeriod).toBeGreaterThan(
      queues[ids.queue]!.Properties.MessageRetentionPeriod as number,
    )
    expect(dlq.SqsManagedSseEnabled).toBe(true)
    expect(dlq.RedriveAllowPolicy).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [expect.anything()],
    })
    expect(
      renderName((dlq.RedriveAllowPolicy as { sourceQueueArns: unknown[] }).sourceQueueArns[0]),
    ).toBe(`arn:<Partition>:sqs:eu-west-1:123456789012:${queueName}`)
    expect(queues[ids.deliveryDlq]!.Properties.MessageRetentionPeriod).toBe(1209600)
  })

  it('denies non-TLS access to every queue (enforceSSL)', () => {
    for (const queueId of [ids.queue, ids.dlq, ids.deliveryDlq]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      })
    }
  })

  it('subscribes with raw delivery, a filter policy on eventType (exact and prefix) and a delivery DLQ', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
      RawMessageDelivery: true,
      FilterPolicy: { eventType: ['order.placed', { prefix: 'payment.' }] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [ids.deliveryDlq, 'Arn'] } },
    })
  })

  it('lets SNS send to the queue and to the delivery DLQ, from this topic only', () => {
    for (const queueId of [ids.queue, ids.deliveryDlq]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Principal: { Service: 'sns.amazonaws.com' },
              Condition: { ArnEquals: { 'aws:SourceArn': Match.anyValue() } },
            }),
          ]),
        },
      })
    }
  })

  it('runs a nodejs24.x arm64 function with JSON logs, tracing and source maps', () => {
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[ids.fn]!
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 30,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON' },
    })
    expect(fn.Metadata?.EventPipeline).toEqual({ entry: ENTRY, handler: 'handler' })
  })

  it('gives the function what the runtime needs in its environment', () => {
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[ids.fn]!
    expect((fn.Properties.Environment as { Variables: unknown }).Variables).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      CONSUMER_NAME: 'inventory',
      QUEUE_URL: { Ref: ids.queue },
      DLQ_URL: { Ref: ids.dlq },
      MAX_RECEIVE_COUNT: '5',
      POWERTOOLS_SERVICE_NAME: 'inventory',
      POWERTOOLS_METRICS_NAMESPACE: 'EventPipeline',
      IDEMPOTENCY_TABLE: { Ref: idOf(stack, idempotencyTable) },
      INVENTORY_TABLE: { Ref: idOf(stack, inventoryTable) },
    })
  })

  it('maps the queue with ReportBatchItemFailures, batch size 10 and max concurrency 5', () => {
    const mapping = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'))[0]!
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
      FunctionName: { Ref: ids.fn },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 5 },
    })
    expect(mapping.Properties.MaximumBatchingWindowInSeconds).toBeUndefined()
  })

  it('grants least privilege: consume its queue, send to its DLQ, its own idempotency keys and tables', () => {
    const statements = statementsOfRole(template, ids.role)
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow')
      for (const action of statement.Action) expect(action).not.toMatch(/\*/)
    }
    const find = (action: string) => statements.filter((s) => s.Action.includes(action))
    expect(find('sqs:ReceiveMessage').map((s) => s.Resource)).toEqual([
      [{ 'Fn::GetAtt': [ids.queue, 'Arn'] }],
    ])
    expect(find('sqs:DeleteMessage').map((s) => s.Resource)).toEqual([
      [{ 'Fn::GetAtt': [ids.queue, 'Arn'] }],
    ])
    expect(find('sqs:ChangeMessageVisibility').map((s) => s.Resource)).toEqual([
      [{ 'Fn::GetAtt': [ids.queue, 'Arn'] }],
    ])
    expect(find('sqs:SendMessage').map((s) => s.Resource)).toEqual([
      [{ 'Fn::GetAtt': [ids.dlq, 'Arn'] }],
    ])
    const idempotency = statements.filter((s) => s.Condition !== undefined)
    expect(idempotency).toEqual([
      {
        Effect: 'Allow',
        // What the runtime's IdempotencyStore sends: GetItem, UpdateItem (alone or in a transaction).
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Resource: [{ 'Fn::GetAtt': [idOf(stack, idempotencyTable), 'Arn'] }],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['inventory#*'] } },
      },
    ])
    const writes = find('dynamodb:PutItem').filter((s) => s.Condition === undefined)
    expect(writes).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
        ],
        Resource: [{ 'Fn::GetAtt': [idOf(stack, inventoryTable), 'Arn'] }],
      },
    ])
    expect(find('dynamodb:Scan')).toEqual([])
    const logs = find('logs:PutLogEvents')
    expect(logs).toHaveLength(1)
    expect(logs[0]!.Resource).toEqual([
      { 'Fn::GetAtt': [idOf(stack, consumer.function.logGroup), 'Arn'] },
    ])
  })

  it('uses no AWS managed policy', () => {
    const role = resourcesOf(template, 'AWS::IAM::Role')[ids.role]!
    expect(role.Properties.ManagedPolicyArns).toBeUndefined()
  })
})

describe('Consumer, configured', () => {
  it('takes the visibility timeout, receives, batching window and concurrency it is given', () => {
    const stack = freshStack()
    consumerIn(stack, {
      timeout: Duration.seconds(10),
      visibilityTimeout: Duration.seconds(45),
      maxReceiveCount: 3,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(2),
      maxConcurrency: 20,
      retentionPeriod: Duration.days(7),
    })
    const template = Template.fromStack(stack)
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 45,
      MessageRetentionPeriod: 604800,
      RedrivePolicy: { maxReceiveCount: 3 },
    })
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 2,
      ScalingConfig: { MaximumConcurrency: 20 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    })
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 10,
      Environment: { Variables: Match.objectLike({ MAX_RECEIVE_COUNT: '3' }) },
    })
  })

  it('on a FIFO bus, makes the queue and both DLQs FIFO', () => {
    const stack = freshStack()
    const bus = new EventBus(stack, 'Bus', { fifo: true, messageGroupIdPath: 'payload.orderId' })
    const consumer = consumerIn(stack, {}, bus)
    const queues = resourcesOf(Template.fromStack(stack), 'AWS::SQS::Queue')
    for (const queue of [
      consumer.queue,
      consumer.deadLetterQueue,
      consumer.deliveryDeadLetterQueue,
    ]) {
      expect(queues[idOf(stack, queue)]!.Properties.FifoQueue).toBe(true)
    }
    expect(renderName(queues[idOf(stack, consumer.queue)]!.Properties.QueueName)).toMatch(
      /^Test-\S+-<instance>\.fifo$/,
    )
  })

  it('matches a prefix-only selector with a prefix filter', () => {
    const stack = freshStack()
    consumerIn(stack, { events: ['order.*'] })
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', {
      FilterPolicy: { eventType: [{ prefix: 'order.' }] },
    })
  })
})

describe('Consumer versions', () => {
  const policyOf = (props: Partial<ConsumerProps>) => {
    const stack = freshStack()
    consumerIn(stack, props)
    const [subscription] = Object.values(
      resourcesOf(Template.fromStack(stack), 'AWS::SNS::Subscription'),
    )
    return subscription!.Properties.FilterPolicy
  }

  it('adds the version attribute when every type has the same versions', () => {
    expect(policyOf({ versions: { 'order.placed': [1], 'order.cancelled': [1] } })).toEqual({
      eventType: ['order.placed', 'order.cancelled'],
      version: ['1'],
    })
  })

  it('selects each type at its own versions with $or, unversioned types and prefixes apart', () => {
    expect(
      policyOf({
        events: ['order.placed', 'order.cancelled', 'order.confirmed', 'payment.*'],
        versions: { 'order.placed': [2], 'order.cancelled': [2, 1] },
      }),
    ).toEqual({
      $or: [
        { eventType: ['order.confirmed', { prefix: 'payment.' }] },
        { eventType: ['order.placed'], version: ['2'] },
        { eventType: ['order.cancelled'], version: ['1', '2'] },
      ],
    })
  })

  it('rejects versions for a type events does not list exactly, and empty or bad versions', () => {
    expect(() =>
      consumerIn(freshStack(), { events: ['order.*'], versions: { 'order.placed': [1] } }),
    ).toThrow(/versions names types that events does not list exactly: order\.placed/)
    expect(() => consumerIn(freshStack(), { versions: { 'order.placed': [] } })).toThrow(
      /versions must list at least one positive integer per type/,
    )
    expect(() => consumerIn(freshStack(), { versions: { 'order.placed': [0] } })).toThrow(
      /versions must list at least one positive integer per type/,
    )
  })
})

describe('Consumer validation', () => {
  const rejects = (props: Partial<ConsumerProps>, message: RegExp) => () => {
    expect(() => consumerIn(freshStack(), props)).toThrow(message)
  }

  it(
    'rejects a visibility timeout shorter than the function timeout',
    rejects(
      { timeout: Duration.seconds(60), visibilityTimeout: Duration.seconds(30) },
      /visibilityTimeout \(30 seconds\) is shorter than the function timeout \(1 minute\).*make it at least the timeout/,
    ),
  )
  it(
    'rejects a visibility timeout over 12 hours',
    rejects(
      { visibilityTimeout: Duration.hours(13) },
      /visibilityTimeout must be at most 12 hours/,
    ),
  )
  it(
    'rejects a batch size over 10 without a batching window',
    rejects(
      { batchSize: 50 },
      /batchSize 50 is over 10 without a batching window.*set maxBatchingWindow/,
    ),
  )
  it(
    'rejects a batch size outside 1 to 10000',
    rejects(
      { batchSize: 0, maxBatchingWindow: Duration.seconds(1) },
      /batchSize must be an integer from 1 to 10000 \(got 0\)/,
    ),
  )
  it(
    'rejects a batching window over 5 minutes',
    rejects(
      { maxBatchingWindow: Duration.minutes(6) },
      /maxBatchingWindow must be at most 5 minutes/,
    ),
  )
  it(
    'rejects an empty filter',
    rejects({ events: [] }, /events is empty, so the filter policy would match nothing/),
  )
  it(
    'rejects selectors that are neither exact types nor prefixes',
    rejects({ events: ['order*', '*'] }, /events must be exact types .*fix 'order\*', '\*'/),
  )
  it(
    'rejects more filter values than SNS allows',
    rejects(
      { events: Array.from({ length: 151 }, (_, i) => `order.e${i}`) },
      /events has 151 distinct values; an SNS filter policy allows at most 150/,
    ),
  )
  it('rejects a duplicate consumer name on the same bus', () => {
    const stack = freshStack()
    const bus = new EventBus(stack, 'Bus')
    consumerIn(stack, {}, bus)
    expect(
      () =>
        new Consumer(stack, 'InventoryAgain', {
          bus,
          consumerName: 'inventory',
          events: ['order.placed'],
          entry: ENTRY,
          idempotencyTable: idempotencyTableIn(stack),
        }),
    ).toThrow(/consumerName 'inventory' is already used by another consumer on this bus/)
  })
  it(
    'rejects a consumer name that is not lowercase letters, digits and hyphens',
    rejects(
      { consumerName: 'Inventory_1' },
      /consumerName must be 1 to 40 lowercase letters.*'Inventory_1'/,
    ),
  )
  it(
    'rejects maxReceiveCount outside 1 to 1000',
    rejects({ maxReceiveCount: 0 }, /maxReceiveCount must be an integer from 1 to 1000 \(got 0\)/),
  )
  it(
    'rejects a retention that the 14-day DLQ would not outlive',
    rejects(
      { retentionPeriod: Duration.days(14) },
      /retentionPeriod must be from 1 minute to less than the DLQ's 14 days/,
    ),
  )
  it(
    'rejects maxConcurrency outside 2 to 1000',
    rejects({ maxConcurrency: 1 }, /maxConcurrency must be an integer from 2 to 1000.*got 1/),
  )
  it(
    'rejects table variables that are not upper-case names or clash with the runtime',
    rejects(
      {
        tables: {
          QUEUE_URL: new Table(freshStack(), 'T', {
            partitionKey: { name: 'id', type: AttributeType.STRING },
          }),
        },
      },
      /tables keys are environment variable names.*got QUEUE_URL/,
    ),
  )
  it('rejects a batching window and a batch size over 10 on a FIFO bus', () => {
    const stack = freshStack()
    const bus = new EventBus(stack, 'Bus', { fifo: true, messageGroupIdPath: 'payload.orderId' })
    expect(() =>
      consumerIn(stack, { batchSize: 20, maxBatchingWindow: Duration.seconds(1) }, bus),
    ).toThrow(
      /batchSize must be at most 10 on a FIFO queue[\s\S]*maxBatchingWindow is not supported on FIFO queues/,
    )
  })
  it('reports every broken rule at once, naming the construct', () => {
    expect(() =>
      consumerIn(freshStack(), {
        events: [],
        maxReceiveCount: 5000,
        timeout: Duration.seconds(60),
        visibilityTimeout: Duration.seconds(10),
      }),
    ).toThrow(
      /Test\/Inventory: invalid props:\n {2}- events is empty.*\n {2}- visibilityTimeout .*\n {2}- maxReceiveCount/,
    )
  })
  it('rejects a function timeout over 15 minutes', () => {
    expect(() =>
      consumerIn(freshStack(), {
        timeout: Duration.minutes(16),
        visibilityTimeout: Duration.hours(2),
      }),
    ).toThrow(/timeout must be whole seconds between 1 second and 15 minutes.*got 16 minutes/)
  })
})

describe('Consumer and the runtime it configures', () => {
  it('requires an idempotency table, which the runtime cannot start without', () => {
    const stack = freshStack()
    const props = {
      bus: new EventBus(stack, 'Bus'),
      consumerName: 'inventory',
      events: ['order.placed'],
      entry: ENTRY,
    }
    // @ts-expect-error idempotencyTable is required by the type (tsc fails if it is optional)
    const build = () => new Consumer(stack, 'Inventory', props)
    expect(build).toThrow(/idempotencyTable is required: the consumer runtime refuses to start/)
  })

  it("gives its function every setting the runtime requires: the runtime's config resolves from that environment", () => {
    const stack = freshStack()
    const consumer = consumerIn(stack)
    const fn = resourcesOf(Template.fromStack(stack), 'AWS::Lambda::Function')[
      idOf(stack, consumer.function.function)
    ]!
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> })
      .Variables
    // Deployed, each reference resolves to a name or URL; a placeholder stands for it here.
    const env = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [
        name,
        typeof value === 'string' ? value : `resolved-${name}`,
      ]),
    )
    const config = resolveConfig('inventory', {}, env)
    expect(config.idempotencyTable).toBe('resolved-IDEMPOTENCY_TABLE')
    expect(config.maxReceiveCount).toBe(consumer.maxReceiveCount)
  })
})
