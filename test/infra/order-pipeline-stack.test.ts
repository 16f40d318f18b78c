import { existsSync } from 'node:fs'
import path from 'node:path'
import { Template } from 'aws-cdk-lib/assertions'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  CONSUMER_OUTPUT_FIELDS,
  type ConsumerOutputField,
  consumerOutputKey,
  OUTPUT_KEYS,
  parseStackOutputs,
  STACK_ID,
} from '../../contracts/outputs.ts'
import { createPipelineApp } from '../../lib/app.ts'
import type { OrderPipelineStack } from '../../lib/order-pipeline-stack.ts'
import { PROJECT_ROOT } from '../../lib/pipeline-function.ts'
import {
  NO_BUNDLING,
  type TemplateResource as Resource,
  renderName,
  statementsOfRole,
} from './support.ts'

let stack: OrderPipelineStack
let template: Template
let resources: Record<string, Resource>
const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never)
const consumer = (name: string) => {
  const found = stack.consumers.find((c) => c.consumerName === name)
  if (!found) throw new Error(`no consumer ${name}`)
  return found
}

beforeAll(() => {
  stack = createPipelineApp({ context: NO_BUNDLING, builtinValidation: false }).stack
  template = Template.fromStack(stack)
  resources = template.toJSON().Resources as Record<string, Resource>
})

describe('createPipelineApp', () => {
  it('builds the OrderPipeline stack', () => {
    expect(stack.node.id).toBe(STACK_ID)
    expect(STACK_ID).toBe('OrderPipeline')
  })
})

describe('the demo consumers', () => {
  // Each selects its types at the versions it declares: order.cancelled v1 and v2 (v1 is
  // upcast), every other type v1.
  const cancelled = { eventType: ['order.cancelled'], version: ['1', '2'] }
  const expected = {
    orders: [
      {
        eventType: [
          'order.placed',
          'inventory.reserved',
          'inventory.rejected',
          'payment.authorized',
          'payment.declined',
        ],
        version: ['1'],
      },
      cancelled,
    ],
    inventory: [{ eventType: ['order.placed'], version: ['1'] }, cancelled],
    payments: [{ eventType: ['order.placed'], version: ['1'] }, cancelled],
    notifications: [{ eventType: ['order.placed', 'order.confirmed'], version: ['1'] }, cancelled],
    projections: [
      { eventType: ['order.placed', 'payment.authorized', 'order.confirmed'], version: ['1'] },
      cancelled,
    ],
  }

  it('are the saga (orders, inventory, payments), notifications and projections, each subscribed to its event types and versions', () => {
    expect(stack.consumers.map((c) => c.consumerName)).toEqual(Object.keys(expected))
    for (const [name, alternatives] of Object.entries(expected)) {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Endpoint: { 'Fn::GetAtt': [idOf(consumer(name).queue), 'Arn'] },
        FilterPolicy: { $or: alternatives },
        RawMessageDelivery: true,
      })
    }
  })

  it('each get their own tables, by the environment variable names of the contract', () => {
    const tables = {
      orders: { EVENTS_TABLE: stack.eventStore.eventsTable },
      inventory: {
        INVENTORY_TABLE: stack.readModels.inventory,
        EVENTS_TABLE: stack.eventStore.eventsTable,
      },
      payments: {
        PAYMENTS_TABLE: stack.readModels.payments,
        EVENTS_TABLE: stack.eventStore.eventsTable,
      },
      notifications: { NOTIFICATIONS_TABLE: stack.readModels.notifications },
      projections: {
        READ_MODEL_TABLE: stack.readModels.orders,
        EVENTS_TABLE: stack.eventStore.eventsTable,
      },
    }
    for (const [name, variables] of Object.entries(tables)) {
      const c = consumer(name)
      const env = (
        resources[idOf(c.function.function)]!.Properties.Environment as {
          Variables: Record<string, unknown>
        }
      ).Variables
      expect(Object.keys(env).sort()).toEqual(
        [
          'NODE_OPTIONS',
          'CONSUMER_NAME',
          'QUEUE_URL',
          'DLQ_URL',
          'MAX_RECEIVE_COUNT',
          'IDEMPOTENCY_TABLE',
          'POWERTOOLS_SERVICE_NAME',
          'POWERTOOLS_METRICS_NAMESPACE',
          ...Object.keys(variables),
        ].sort(),
      )
      expect(env.CONSUMER_NAME).toBe(name)
      expect(env.POWERTOOLS_SERVICE_NAME).toBe(name)
      expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe('EventPipeline')
      expect(env.IDEMPOTENCY_TABLE).toEqual({ Ref: idOf(stack.idempotency.table) })
      for (const [variable, table] of Object.entries(variables)) {
        expect(env[variable]).toEqual({ Ref: idOf(table) })
      }
    }
  })

  it('the saga steps take each receive without a batching window; the read models batch 25 for up to 1 s', () => {
    const batching: Record<string, { BatchSize: number; MaximumBatchingWindowInSeconds?: number }> =
      {
        orders: { BatchSize: 10 },
        inventory: { BatchSize: 10 },
        payments: { BatchSize: 10 },
        notifications: { BatchSize: 25, MaximumBatchingWindowInSeconds: 1 },
        projections: { BatchSize: 25, MaximumBatchingWindowInSeconds: 1 },
      }
    expect(stack.consumers.map((c) => c.consumerName).sort()).toEqual(Object.keys(batching).sort())
    for (const c of stack.consumers) {
      const mappings = template.findResources('AWS::Lambda::EventSourceMapping', {
        Properties: { EventSourceArn: { 'Fn::GetAtt': [idOf(c.queue), 'Arn'] } },
      })
      const [mapping] = Object.values(mappings)
      expect(Object.keys(mappings)).toHaveLength(1)
      const { BatchSize, MaximumBatchingWindowInSeconds, ScalingConfig, FunctionResponseTypes } =
        mapping?.Properties ?? {}
      expect({ BatchSize, MaximumBatchingWindowInSeconds }).toEqual(batching[c.consumerName])
      expect(ScalingConfig).toEqual({ MaximumConcurrency: 5 })
      expect(FunctionResponseTypes).toEqual(['ReportBatchItemFailures'])
    }
  })
})

describe('every function', () => {
  it('names the TypeScript entry and exported handler the local runner runs', async () => {
    const functions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function')
    expect(functions).toHaveLength(6)
    const entries = functions.map(
      (fn) => fn.Metadata?.EventPipeline as { entry: string; handler: string },
    )
    expect(entries.map((e) => e.entry).sort()).toEqual([
      'functions/consumers/inventory/handler.ts',
      'functions/consumers/notifications/handler.ts',
      'functions/consumers/orders/handler.ts',
      'functions/consumers/payments/handler.ts',
      'functions/consumers/projections/handler.ts',
      'functions/outbox-publisher/handler.ts',
    ])
    for (const { entry, handler } of entries) {
      expect(existsSync(path.join(PROJECT_ROOT, entry)), entry).toBe(true)
      const module = (await import(path.join(PROJECT_ROOT, entry))) as Record<string, unknown>
      expect(typeof module[handler], `${entry} exports ${handler}`).toBe('function')
    }
  })

  it('runs nodejs24.x on arm64 with X-Ray tracing, JSON logs in a log group with a retention', () => {
    for (const [id, fn] of Object.entries(resources)) {
      if (fn.Type !== 'AWS::Lambda::Function') continue
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
      })
      const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref
      expect(resources[logGroupId]!.Properties.RetentionInDays).toBe(30)
    }
  })
})

describe('tables', () => {
  const keySchema = (tableId: string) => {
    const props = resources[tableId]!.Properties
    const types = Object.fromEntries(
      (props.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]).map(
        (a) => [a.AttributeName, a.AttributeType],
      ),
    )
    return (props.KeySchema as { AttributeName: string; KeyType: string }[]).map(
      (k) => `${k.AttributeName}:${types[k.AttributeName]}:${k.KeyType}`,
    )
  }

  it('follow the contract key schemas, all on demand', () => {
    expect(keySchema(idOf(stack.idempotency.table))).toEqual(['id:S:HASH'])
    expect(keySchema(idOf(stack.eventStore.eventsTable))).toEqual(['pk:S:HASH', 'sk:N:RANGE'])
    expect(keySchema(idOf(stack.eventStore.snapshotsTable))).toEqual(['pk:S:HASH', 'sk:N:RANGE'])
    expect(keySchema(idOf(stack.readModels.inventory))).toEqual(['sku:S:HASH'])
    expect(keySchema(idOf(stack.readModels.payments))).toEqual(['orderId:S:HASH'])
    expect(keySchema(idOf(stack.readModels.notifications))).toEqual(['pk:S:HASH', 'sk:S:RANGE'])
    expect(keySchema(idOf(stack.readModels.orders))).toEqual(['orderId:S:HASH'])
    for (const [id, r] of Object.entries(resources)) {
      if (r.Type === 'AWS::DynamoDB::Table')
        expect(r.Properties.BillingMode, id).toBe('PAY_PER_REQUEST')
    }
  })

  it('expire idempotency records on expiresAt', () => {
    expect(resources[idOf(stack.idempotency.table)]!.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    })
  })

  it('index orders by customer and time of placing', () => {
    expect(resources[idOf(stack.readModels.orders)]!.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byCustomer',
        KeySchema: [
          { AttributeName: 'customerId', KeyType: 'HASH' },
          { AttributeName: 'placedAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ])
  })
})

describe('least privilege', () => {
  const roles = () =>
    Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => ({
        fn: id,
        statements: statementsOfRole(
          template,
          (r.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!,
        ),
      }))

  it('uses no wildcard action, and resource * only for actions without resource-level permissions', () => {
    const allowedOnStar = [
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'dynamodb:ListStreams',
    ]
    for (const { fn, statements } of roles()) {
      for (const statement of statements) {
        for (const action of statement.Action) expect(action, fn).not.toContain('*')
        if (statement.Resource.includes('*')) {
          for (const action of statement.Action)
            expect(allowedOnStar, `${fn}: ${action} on *`).toContain(action)
        }
        for (const resource of statement.Resource) {
          if (typeof resource === 'string') expect(resource, fn).toBe('*')
        }
      }
    }
  })

  it('lets each consumer send only to its own DLQ and write only its own tables', () => {
    // The saga's services append to the event store; the projection only reads it.
    const owned: Record<string, string[]> = {
      orders: [idOf(stack.eventStore.eventsTable)],
      inventory: [idOf(stack.readModels.inventory), idOf(stack.eventStore.eventsTable)],
      payments: [idOf(stack.readModels.payments), idOf(stack.eventStore.eventsTable)],
      notifications: [idOf(stack.readModels.notifications)],
      projections: [idOf(stack.readModels.orders)],
    }
    for (const c of stack.consumers) {
      const statements = statementsOfRole(template, idOf(c.function.role))
      const targets = (action: string) =>
        statements
          .filter((s) => s.Action.includes(action))
          .flatMap((s) => s.Resource)
          .map((r) => (r as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0])
      expect(targets('sqs:SendMessage'), c.consumerName).toEqual([idOf(c.deadLetterQueue)])
      expect(targets('sqs:ReceiveMessage'), c.consumerName).toEqual([idOf(c.queue)])
      const writes = [...targets('dynamodb:PutItem'), ...targets('dynamodb:UpdateItem')]
      expect(new Set(writes), c.consumerName).toEqual(
        new Set([idOf(stack.idempotency.table), ...owned[c.consumerName]!]),
      )
      expect(targets('sns:Publish'), c.consumerName).toEqual([])
    }
  })

  it('lets only the outbox publisher publish to the bus', () => {
    const publishers = roles().filter(({ statements }) =>
      statements.some((s) => s.Action.includes('sns:Publish')),
    )
    expect(publishers.map((p) => p.fn)).toEqual([idOf(stack.eventStore.publisher.function)])
  })
})

describe('monitoring', () => {
  const alarms = () =>
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map(
        (r) => r.Properties as { AlarmActions: unknown[]; Threshold: number; Metrics: unknown[] },
      )
  const metricsOf = (alarm: { Metrics: unknown[] }) => JSON.stringify(alarm.Metrics)
  /** The thresholds of the alarms on a metric (a name, or an expression's text) of one resource. */
  const thresholdsOf = (metric: string, logicalId: string) =>
    alarms()
      .filter((a) => metricsOf(a).includes(metric) && metricsOf(a).includes(`"${logicalId}"`))
      .map((a) => a.Threshold)

  it('alarms when a DLQ is not empty, when the oldest message is over 5 minutes old and when over 5% of invocations fail', () => {
    for (const c of stack.consumers) {
      expect(
        thresholdsOf('ApproximateNumberOfMessagesVisible', idOf(c.deadLetterQueue)),
        c.consumerName,
      ).toEqual([0])
      expect(thresholdsOf('ApproximateAgeOfOldestMessage', idOf(c.queue)), c.consumerName).toEqual([
        300,
      ])
      expect(
        thresholdsOf('100 * errors / invocations', idOf(c.function.function)),
        c.consumerName,
      ).toEqual([5])
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      Metrics: [
        {
          MetricStat: {
            Metric: {
              MetricName: 'ApproximateNumberOfMessagesVisible',
              Dimensions: [
                { Value: { 'Fn::GetAtt': [idOf(stack.eventStore.failureQueue), 'QueueName'] } },
              ],
            },
          },
        },
      ],
    })
  })

  it('sends every alarm to the alarm topic', () => {
    // Per consumer: DLQ, delivery DLQ, age, error rate; the outbox: failures, iterator age, error rate.
    expect(alarms().length).toBeGreaterThanOrEqual(5 * 4 + 3)
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([{ Ref: idOf(stack.monitoring.alarmTopic) }])
    }
  })

  it('encrypts the alarm topic with a key CloudWatch may use, over TLS only', () => {
    const topic = resources[idOf(stack.monitoring.alarmTopic)]!
    const keyId = (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!
    expect(JSON.stringify(resources[keyId]!.Properties.KeyPolicy)).toContain(
      'cloudwatch.amazonaws.com',
    )
  })

  it("lets this account's CloudWatch alarms publish to the alarm topic, whose own policy replaces SNS's default", () => {
    const policies = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::SNS::TopicPolicy' &&
        JSON.stringify(r.Properties.Topics) ===
          JSON.stringify([{ Ref: idOf(stack.monitoring.alarmTopic) }]),
    )
    expect(policies).toHaveLength(1)
    const statements = (
      policies[0]!.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }
    ).Statement
    expect(statements).toHaveLength(2)
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    )
    const allow = statements.find((statement) => statement.Effect === 'Allow')!
    expect(allow).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: idOf(stack.monitoring.alarmTopic) },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    })
    const sourceArn = (allow.Condition as { ArnLike: { 'aws:SourceArn': unknown } }).ArnLike[
      'aws:SourceArn'
    ]
    expect(renderName(sourceArn)).toBe('arn:<Partition>:cloudwatch:<Region>:<AccountId>:alarm:*')
  })

  it("alarms when a subscription's delivery DLQ holds a message SNS could not deliver", () => {
    for (const c of stack.consumers) {
      expect(
        thresholdsOf('ApproximateNumberOfMessagesVisible', idOf(c.deliveryDeadLetterQueue)),
        c.consumerName,
      ).toEqual([0])
    }
  })

  it("alarms when the outbox publisher's oldest unpublished stream record is over 5 minutes old (iterator age)", () => {
    expect(thresholdsOf('"IteratorAge"', idOf(stack.eventStore.publisher.function))).toEqual([
      300_000,
    ])
  })

  it('puts queue depth, age, in flight, DLQ size, errors, throttles, p50/p99 duration and the runtime metrics on one dashboard', () => {
    const dashboards = Object.values(resources).filter(
      (r) => r.Type === 'AWS::CloudWatch::Dashboard',
    )
    expect(dashboards).toHaveLength(1)
    // Dashboards are named per account, not per region: the region is in the name.
    expect(renderName(dashboards[0]!.Properties.DashboardName)).toBe(
      'OrderPipeline-pipeline-<Region>',
    )
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody)
    for (const c of stack.consumers) {
      expect(body).toContain(`"${idOf(c.queue)}"`)
      expect(body).toContain(`"${idOf(c.deadLetterQueue)}"`)
      expect(body).toContain(`"${idOf(c.function.function)}"`)
      expect(body).toContain(`\\"service\\",\\"${c.consumerName}\\"`)
    }
    for (const metric of [
      'ApproximateNumberOfMessagesVisible',
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesNotVisible',
      'Errors',
      'Throttles',
      'Duration',
      'p50',
      'p99',
      'EventPipeline',
      'processed',
      'failed',
      'retried',
      'deadLettered',
      'processingLatency',
      'eventAge',
    ]) {
      expect(body, metric).toContain(metric)
    }
  })
})

describe('stack outputs', () => {
  it('has every key the CLI reads, with stable names', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>
    const expected = [
      ...Object.values(OUTPUT_KEYS),
      ...stack.consumers.flatMap((c) =>
        (Object.keys(CONSUMER_OUTPUT_FIELDS) as ConsumerOutputField[]).map((f) =>
          consumerOutputKey(c.consumerName, f),
        ),
      ),
    ]
    expect(Object.keys(outputs).sort()).toEqual([...expected].sort())
    expect(outputs.EventTopicArn!.Value).toEqual({ Ref: idOf(stack.bus.topic) })
    expect(outputs.ConsumerNames!.Value).toBe('orders,inventory,payments,notifications,projections')
    expect(renderName(outputs.DashboardName!.Value)).toBe('OrderPipeline-pipeline-<Region>')
    expect(outputs.AlarmTopicArn!.Value).toEqual({ Ref: idOf(stack.monitoring.alarmTopic) })
    expect(outputs.InventoryQueueUrl!.Value).toEqual({ Ref: idOf(consumer('inventory').queue) })
    expect(outputs.PaymentsDlqUrl!.Value).toEqual({
      Ref: idOf(consumer('payments').deadLetterQueue),
    })
    expect(outputs.ProjectionsFunctionName!.Value).toEqual({
      Ref: idOf(consumer('projections').function.function),
    })
    expect(outputs.OrdersTableName!.Value).toEqual({ Ref: idOf(stack.readModels.orders) })
  })

  it('parse into the pipeline resources, and a stack without them is named clearly', () => {
    const outputs = Object.fromEntries(
      Object.keys(template.toJSON().Outputs as object).map((key) => [key, `value-of-${key}`]),
    )
    outputs.ConsumerNames = 'inventory,payments,notifications,projections'
    const parsed = parseStackOutputs(outputs)
    expect(parsed.eventTopicArn).toBe('value-of-EventTopicArn')
    expect(parsed.consumers.map((c) => c.name)).toEqual([
      'inventory',
      'payments',
      'notifications',
      'projections',
    ])
    expect(parsed.consumers[1]).toMatchObject({
      queueUrl: 'value-of-PaymentsQueueUrl',
      deadLetterQueueUrl: 'value-of-PaymentsDlqUrl',
      functionName: 'value-of-PaymentsFunctionName',
    })
    const { EventTopicArn: _, InventoryDlqUrl: __, ...partial } = outputs
    expect(() => parseStackOutputs(partial)).toThrow(
      /the stack outputs lack InventoryDlqUrl, EventTopicArn; deploy the current app/,
    )
    expect(consumerOutputKey('order-projections', 'deadLetterQueueUrl')).toBe(
      'OrderProjectionsDlqUrl',
    )
  })
})
