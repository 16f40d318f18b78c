import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb'
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns'
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import { describe, expect, it } from 'vitest'
import type { LocalTransport } from '../../../contracts/local-transport.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { portTransport, routedTransport } from '../../../local/wire-service.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'

// The same clients over HTTP (signed) and over the in-process transport (unsigned) must see
// one AWS: the same results, the same refusals, the same queue URLs, each request counted.
describe.each([
  { dynamoDbThread: false, label: 'DynamoDB in this thread' },
  { dynamoDbThread: true, label: 'DynamoDB in its own thread' },
])('the in-process transport ($label)', ({ dynamoDbThread }) => {
  const embedded = useEmbeddedAws({ dynamoDbThread })
  const transports: Record<string, () => Promise<LocalTransport | undefined>> = {
    http: async () => undefined,
    'this thread': async () => embedded.aws.transport,
    // What an execution environment gets, used here on this thread.
    ports: async () => {
      const ports = await embedded.aws.connectTransport()
      return routedTransport({
        dynamodb: portTransport(ports.dynamodb),
        snsSqs: portTransport(ports.snsSqs),
      })
    },
  }
  const clients = async (name: string) => {
    const config = emulatorClientConfig(
      embedded.endpoint,
      embedded.aws.region,
      await transports[name]?.(),
    )
    return {
      dynamodb: new DynamoDBClient(config),
      sqs: new SQSClient(config),
      sns: new SNSClient(config),
    }
  }

  it.each(Object.keys(transports))('%s: DynamoDB writes, reads and refuses alike', async (name) => {
    const { dynamodb } = await clients(name)
    const TableName = `items-${name.replace(/\W/g, '-')}`
    await dynamodb.send(
      new CreateTableCommand({
        TableName,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
    await waitUntilTableExists({ client: dynamodb, maxWaitTime: 30, minDelay: 1 }, { TableName })
    await dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, n: { N: '1' } } }))
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' } } }))
    expect(Item).toEqual({ pk: { S: 'a' }, n: { N: '1' } })
    // A key attribute of the wrong type: AWS refuses it, so must every path.
    const refused = await dynamodb
      .send(new PutItemCommand({ TableName, Item: { pk: { N: '1' } } }))
      .catch((error: Error) => error)
    expect(refused).toMatchObject({ name: 'ValidationException' })
    expect((refused as Error).message).toMatch(/key/i)
    const condition = await dynamodb
      .send(
        new PutItemCommand({
          TableName,
          Item: { pk: { S: 'a' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((error: Error) => error)
    expect(condition).toMatchObject({ name: 'ConditionalCheckFailedException' })
    dynamodb.destroy()
  })

  it.each(Object.keys(transports))(
    '%s: SNS fans out to SQS with the queue URLs an HTTP client gets',
    async (name) => {
      const { sqs, sns } = await clients(name)
      const suffix = name.replace(/\W/g, '-')
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `inbox-${suffix}` }))
      expect(QueueUrl).toBe(`${embedded.endpoint}/000000000000/inbox-${suffix}`)
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'direct' }))
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `events-${suffix}` }))
      expect(TopicArn).toBe(`arn:aws:sns:${embedded.aws.region}:000000000000:events-${suffix}`)
      await sns.send(new PublishCommand({ TopicArn, Message: 'published' }))
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      )
      expect(Messages.map((m) => m.Body)).toEqual(['direct'])
      const missing = await sqs
        .send(new SendMessageCommand({ QueueUrl: `${QueueUrl}-missing`, MessageBody: 'x' }))
        .catch((error: Error) => error)
      expect(missing).toMatchObject({ name: 'QueueDoesNotExist' })
      sqs.destroy()
      sns.destroy()
    },
  )

  it('counts every request by service and operation, whichever way it came', async () => {
    const counts = await embedded.aws.requestCounts()
    // Three transports, each: CreateTable, two PutItems that pass validation (the wrongly
    // typed key is refused by validation, also counted), one GetItem.
    expect(counts['DynamoDB.CreateTable']).toBe(3)
    expect(counts['DynamoDB.PutItem']).toBe(9)
    expect(counts['DynamoDB.GetItem']).toBe(3)
    // The request units AWS would bill: a small item written is 1 WRU, read eventually
    // consistent 0.5 RRU; refused writes are not counted.
    expect(counts['DynamoDB.WRU']).toBe(3)
    expect(counts['DynamoDB.RRU']).toBe(1.5)
    expect(counts['SQS.SendMessage']).toBe(6)
    expect(counts['SNS.Publish']).toBe(3)
  })
})
