import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb'
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
} from '@aws-sdk/client-sns'
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseStackOutputs } from '../../../contracts/outputs.ts'
import { createPipelineApp } from '../../../lib/app.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { functionDefinitions } from '../../../local/lambda/function-definitions.ts'
import { type SynthesizedStack, synthesizeStack } from '../../../local/pipeline/synthesize-stack.ts'
import { describePlan, planProvisioning } from '../../../local/provisioner/plan.ts'
import { type ProvisionedStack, provision } from '../../../local/provisioner/provision.ts'
import type { CfnResource } from '../../../local/provisioner/template.ts'
import { emulatorAccountId } from '../../../local/provisioner/template.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'

const embedded = useEmbeddedAws()
let synthesized: SynthesizedStack
let stack: ProvisionedStack
let sqs: SQSClient
let sns: SNSClient
let dynamodb: DynamoDBClient

beforeAll(async () => {
  synthesized = synthesizeStack(createPipelineApp)
  const plan = planProvisioning(synthesized.template, {
    stackName: synthesized.stackName,
    region: 'us-east-1',
    accountId: emulatorAccountId,
  })
  stack = await provision(plan, { endpoint: embedded.endpoint })
  const config = emulatorClientConfig(embedded.endpoint)
  sqs = new SQSClient(config)
  sns = new SNSClient(config)
  dynamodb = new DynamoDBClient(config)
}, 120_000)
afterAll(() => {
  for (const client of [sqs, sns, dynamodb]) client?.destroy()
})

/** The template's resources of one type, with the provisioned resource of each. */
function ofType(type: string) {
  return Object.entries(synthesized.template.Resources ?? {})
    .filter(([, resource]) => resource.Type === type)
    .map(([logicalId, resource]) => ({
      logicalId,
      template: resource as CfnResource & { Properties: Record<string, never> },
      local: stack.resources.find((r) => r.logicalId === logicalId),
    }))
}

/** The logical id a `Ref` or `Fn::GetAtt` in the template points at. */
function target(value: unknown): string {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] }
  return v.Ref ?? v['Fn::GetAtt']?.[0] ?? ''
}

function physical(logicalId: string) {
  const resource = stack.resources.find((r) => r.logicalId === logicalId)
  if (!resource) throw new Error(`${logicalId} was not provisioned`)
  return resource
}

describe('provisioning the order stack on the embedded AWS', () => {
  it('creates every queue with the template’s visibility timeout, retention and redrive policy', async () => {
    const queues = ofType('AWS::SQS::Queue')
    expect(queues.length).toBeGreaterThanOrEqual(12)
    for (const { logicalId, template, local } of queues) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: local?.physicalId, AttributeNames: ['All'] }),
      )
      const p = template.Properties ?? {}
      if (p.VisibilityTimeout !== undefined) {
        expect(Attributes.VisibilityTimeout, logicalId).toBe(String(p.VisibilityTimeout))
      }
      if (p.MessageRetentionPeriod !== undefined) {
        expect(Attributes.MessageRetentionPeriod, logicalId).toBe(String(p.MessageRetentionPeriod))
      }
      const redrive = p.RedrivePolicy as
        | { deadLetterTargetArn: unknown; maxReceiveCount: number }
        | undefined
      if (redrive) {
        expect(JSON.parse(Attributes.RedrivePolicy ?? '{}'), logicalId).toEqual({
          deadLetterTargetArn: physical(target(redrive.deadLetterTargetArn)).attributes.Arn,
          maxReceiveCount: redrive.maxReceiveCount,
        })
      } else {
        expect(Attributes.RedrivePolicy, logicalId).toBeUndefined()
      }
    }
  })

  it('subscribes every queue to its topic with the template’s filter policy, raw delivery and redrive policy', async () => {
    const subscriptions = ofType('AWS::SNS::Subscription')
    expect(subscriptions.length).toBeGreaterThanOrEqual(4)
    for (const { logicalId, template } of subscriptions) {
      const p = template.Properties
      const topicArn = physical(target(p.TopicArn)).physicalId
      const endpoint = physical(target(p.Endpoint)).attributes.Arn
      const { Subscriptions = [] } = await sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }),
      )
      const subscription = Subscriptions.find((s) => s.Endpoint === endpoint)
      expect(subscription, logicalId).toBeDefined()
      const { Attributes = {} } = await sns.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription?.SubscriptionArn }),
      )
      expect(JSON.parse(Attributes.FilterPolicy ?? 'null'), logicalId).toEqual(
        p.FilterPolicy ?? null,
      )
      expect(Attributes.RawMessageDelivery ?? 'false', logicalId).toBe(
        String(p.RawMessageDelivery ?? false),
      )
      const redrive = p.RedrivePolicy as { deadLetterTargetArn: unknown } | undefined
      if (redrive) {
        expect(JSON.parse(Attributes.RedrivePolicy ?? '{}').deadLetterTargetArn, logicalId).toBe(
          physical(target(redrive.deadLetterTargetArn)).attributes.Arn,
        )
      }
    }
  })

  it('creates every table with the template’s keys, indexes, stream and time to live', async () => {
    const tables = ofType('AWS::DynamoDB::Table')
    expect(tables.length).toBeGreaterThanOrEqual(6)
    for (const { logicalId, template, local } of tables) {
      const p = template.Properties
      const { Table } = await dynamodb.send(
        new DescribeTableCommand({ TableName: local?.physicalId }),
      )
      expect(Table?.KeySchema, logicalId).toEqual(p.KeySchema)
      const indexes = (p.GlobalSecondaryIndexes ?? []) as {
        IndexName: string
        KeySchema: unknown
      }[]
      expect(
        (Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.KeySchema]).sort(),
        logicalId,
      ).toEqual(indexes.map((i) => [i.IndexName, i.KeySchema]).sort())
      const stream = p.StreamSpecification as { StreamViewType: string } | undefined
      expect(Table?.StreamSpecification?.StreamViewType, logicalId).toBe(stream?.StreamViewType)
      if (stream) expect(local?.attributes.StreamArn, logicalId).toBe(Table?.LatestStreamArn)
      const ttl = p.TimeToLiveSpecification as { AttributeName: string } | undefined
      const { TimeToLiveDescription } = await dynamodb.send(
        new DescribeTimeToLiveCommand({ TableName: local?.physicalId }),
      )
      expect(TimeToLiveDescription?.AttributeName, logicalId).toBe(ttl?.AttributeName)
    }
  })

  it('resolves the functions’ environment and the stack outputs to what was created', () => {
    const resources = parseStackOutputs(stack.outputs)
    expect(resources.consumers.map((c) => c.name)).toEqual([
      'orders',
      'inventory',
      'payments',
      'notifications',
      'projections',
    ])
    const functions = functionDefinitions(stack, process.cwd())
    for (const consumer of resources.consumers) {
      const fn = functions.find((f) => f.functionName === consumer.functionName)
      expect(fn?.environment, consumer.name).toMatchObject({
        CONSUMER_NAME: consumer.name,
        QUEUE_URL: consumer.queueUrl,
        DLQ_URL: consumer.deadLetterQueueUrl,
      })
      expect(fn?.entry, consumer.name).toMatch(/\/functions\/consumers\/.+\.ts$/)
    }
    expect(resources.eventTopicArn).toBe(
      ofType('AWS::SNS::Topic').find((t) => t.local?.physicalId === resources.eventTopicArn)?.local
        ?.physicalId,
    )
  })

  it('lists each resource type it does not provision once, never silently', () => {
    const plan = planProvisioning(synthesized.template, stack.environment)
    const lines = describePlan(plan)
    const types = new Set(
      Object.values(synthesized.template.Resources ?? {}).map((resource) => resource.Type),
    )
    for (const type of ['AWS::IAM::Role', 'AWS::KMS::Key', 'AWS::CloudWatch::Alarm']) {
      if (!types.has(type)) continue
      expect(lines.filter((line) => line.includes(`${type} (`))).toHaveLength(1)
    }
    const skipped = stack.resources.filter((r) => !r.provisioned).map((r) => r.type)
    for (const type of new Set(skipped)) {
      expect(lines.some((line) => line.startsWith(`not provisioned locally: ${type} (`))).toBe(true)
    }
  })
})
