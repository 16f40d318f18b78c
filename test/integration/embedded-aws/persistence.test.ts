import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb'
import {
  CreateTopicCommand,
  ListTopicsCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns'
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import { afterAll, describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { startEmbeddedAws } from '../../../local/embedded-aws.ts'

describe('embedded AWS with a data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'embedded-aws-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('keeps topics, queues, messages, tables and items across a restart', async () => {
    const first = await startEmbeddedAws({ port: 0, dataDir })
    const config = emulatorClientConfig(first.endpoint)
    await new SNSClient(config).send(new CreateTopicCommand({ Name: 'kept-topic' }))
    const sqs = new SQSClient(config)
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'kept-queue' }))
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'still here' }))
    const dynamodb = new DynamoDBClient(config)
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'kept-table',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      }),
    )
    await dynamodb.send(
      new PutItemCommand({ TableName: 'kept-table', Item: { id: { S: 'a' }, n: { N: '1' } } }),
    )
    await first.stop()

    const second = await startEmbeddedAws({ port: 0, dataDir })
    try {
      const again = emulatorClientConfig(second.endpoint)
      const topics = await new SNSClient(again).send(new ListTopicsCommand({}))
      expect(topics.Topics?.map((t) => t.TopicArn)).toContainEqual(
        expect.stringMatching(/:kept-topic$/),
      )
      const sqs2 = new SQSClient(again)
      const { QueueUrl: url2 } = await sqs2.send(
        new CreateQueueCommand({ QueueName: 'kept-queue' }),
      )
      const { Messages = [] } = await sqs2.send(new ReceiveMessageCommand({ QueueUrl: url2 }))
      expect(Messages.map((m) => m.Body)).toEqual(['still here'])
      const { Item } = await new DynamoDBClient(again).send(
        new GetItemCommand({ TableName: 'kept-table', Key: { id: { S: 'a' } } }),
      )
      expect(Item).toEqual({ id: { S: 'a' }, n: { N: '1' } })
    } finally {
      await second.stop()
    }
  })

  // fauxqs's own tables have no column for them: the SQS layer keeps them in one of its own
  // (local/sns-sqs/sqs/system-attributes-persistence.ts).
  it('keeps AWSTraceHeader, DeadLetterQueueSourceArn and the receive count across a restart', async () => {
    const sent = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1'
    const published = 'Root=1-3152b799-8954dae64eda91bc9a23a7e8;Sampled=1'
    const first = await startEmbeddedAws({ port: 0, dataDir })
    const config = emulatorClientConfig(first.endpoint)
    const sqs = new SQSClient(config)
    const sns = new SNSClient(config)
    const arnOf = async (QueueUrl: string | undefined) =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] })))
        .Attributes?.QueueArn as string
    const { QueueUrl: dlqUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'kept-dlq' }))
    const dlqArn = await arnOf(dlqUrl)
    const { QueueUrl: sourceUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'kept-source',
        Attributes: {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }),
        },
      }),
    )
    const sourceArn = await arnOf(sourceUrl)
    const { QueueUrl: inboxUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: 'kept-inbox' }),
    )
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'kept-traces' }))
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: await arnOf(inboxUrl),
        Attributes: { RawMessageDelivery: 'true' },
      }),
    )
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: sourceUrl,
        MessageBody: 'dead-lettered',
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: sent } },
      }),
    )
    // Received once, then moved to the DLQ by the receive after.
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: sourceUrl, VisibilityTimeout: 0 }))
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: sourceUrl }))
    sns.middlewareStack.add(
      (next) => async (args) => {
        ;(args.request as { headers: Record<string, string> }).headers['X-Amzn-Trace-Id'] =
          published
        return next(args)
      },
      { step: 'build' },
    )
    await sns.send(new PublishCommand({ TopicArn, Message: 'published' }))
    sqs.destroy()
    sns.destroy()
    await first.stop()

    const second = await startEmbeddedAws({ port: 0, dataDir })
    const sqs2 = new SQSClient(emulatorClientConfig(second.endpoint))
    try {
      const receive = async (QueueName: string) => {
        const { QueueUrl } = await sqs2.send(new CreateQueueCommand({ QueueName }))
        const { Messages = [] } = await sqs2.send(
          new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'] }),
        )
        return Messages.map((m) => ({ body: m.Body, ...m.Attributes }))
      }
      expect(await receive('kept-dlq')).toEqual([
        expect.objectContaining({
          body: 'dead-lettered',
          AWSTraceHeader: sent,
          DeadLetterQueueSourceArn: sourceArn,
          ApproximateReceiveCount: '2',
        }),
      ])
      expect(await receive('kept-inbox')).toEqual([
        expect.objectContaining({ body: 'published', AWSTraceHeader: published }),
      ])
    } finally {
      sqs2.destroy()
      await second.stop()
    }
  })
})
