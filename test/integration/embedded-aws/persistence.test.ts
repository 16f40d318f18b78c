import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb'
import { CreateTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns'
import {
  CreateQueueCommand,
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

  // A known difference from AWS (README, "Known differences"): fauxqs persists a message's
  // body, attributes and counts, not the AWSTraceHeader the SQS layer keeps in memory.
  it('forgets a message AWSTraceHeader across a restart (AWS keeps it)', async () => {
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1'
    const first = await startEmbeddedAws({ port: 0, dataDir })
    const sqs = new SQSClient(emulatorClientConfig(first.endpoint))
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'traced-queue' }))
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'traced',
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } },
      }),
    )
    await first.stop()

    const second = await startEmbeddedAws({ port: 0, dataDir })
    try {
      const sqs2 = new SQSClient(emulatorClientConfig(second.endpoint))
      const { QueueUrl: url2 } = await sqs2.send(
        new CreateQueueCommand({ QueueName: 'traced-queue' }),
      )
      const { Messages = [] } = await sqs2.send(
        new ReceiveMessageCommand({
          QueueUrl: url2,
          MessageSystemAttributeNames: ['AWSTraceHeader'],
        }),
      )
      expect(Messages.map((m) => [m.Body, m.Attributes?.AWSTraceHeader])).toEqual([
        ['traced', undefined],
      ])
    } finally {
      await second.stop()
    }
  })
})
