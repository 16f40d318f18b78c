import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import {
  CreateTopicCommand,
  ListTopicsCommand,
  PublishCommand,
  SNSClient,
} from '@aws-sdk/client-sns'
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { type EmbeddedAws, faultsRoute, startEmbeddedAws } from '../../../local/embedded-aws.ts'
import { faultFreeHeader } from '../../../local/faults/apply-faults.ts'
import { FaultSpecError } from '../../../local/faults/parse-faults.ts'

/** A client whose requests carry the header that exempts them from fault injection. */
function faultFree<T extends DynamoDBClient | SQSClient | SNSClient>(client: T): T {
  ;(client as SQSClient).middlewareStack.add(
    (next) => async (args) => {
      ;(args.request as { headers: Record<string, string> }).headers[faultFreeHeader] = '1'
      return next(args)
    },
    { step: 'build' },
  )
  return client
}

/** Clients that try once, so that what the embedded AWS answers is what the test sees. */
const once = (endpoint: string) => ({ ...emulatorClientConfig(endpoint), maxAttempts: 1 })
const TableName = 'faulty'

describe.each([
  { name: 'DynamoDB in process', dynamoDbThread: false },
  { name: 'DynamoDB in its thread', dynamoDbThread: true },
])('fault injection in the embedded AWS ($name)', ({ dynamoDbThread }) => {
  let aws: EmbeddedAws
  let dynamodb: DynamoDBClient
  let sqs: SQSClient
  let sns: SNSClient
  let queueUrl: string

  beforeAll(async () => {
    aws = await startEmbeddedAws({ port: 0, dynamoDbThread })
    dynamodb = new DynamoDBClient(once(aws.dynamoDbEndpoint))
    sqs = new SQSClient(once(aws.endpoint))
    sns = new SNSClient(once(aws.endpoint))
    await dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      }),
    )
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'faulty' }))).QueueUrl!
  }, 60_000)
  afterEach(async () => {
    await aws.faults.clear()
  })
  afterAll(async () => {
    for (const client of [dynamodb, sqs, sns]) client?.destroy()
    await aws?.stop()
  })

  const put = (id: string) =>
    dynamodb.send(new PutItemCommand({ TableName, Item: { id: { S: id } } }))
  const exists = async (id: string) =>
    (await dynamodb.send(new GetItemCommand({ TableName, Key: { id: { S: id } } }))).Item !==
    undefined
  const depth = async () =>
    Number(
      (
        await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages'],
          }),
        )
      ).Attributes?.ApproximateNumberOfMessages,
    )

  it('is off by default: nothing is injected and nothing counted', async () => {
    await put('plain')
    expect(await exists('plain')).toBe(true)
    expect(aws.faults.rules).toEqual([])
    expect(await aws.faults.report()).toEqual({})
  })

  it.each([
    ['throttle', 'ThrottlingException', 400],
    ['5xx', 'InternalServerError', 500],
    ['throughput', 'ProvisionedThroughputExceededException', 400],
    ['conflict', 'TransactionConflictException', 400],
  ])('answers DynamoDB %s as AWS does (%s), without writing', async (fault, name, status) => {
    await aws.faults.set(`dynamodb.PutItem:${fault}=100%`)
    const error = await put(`refused-${fault}`).catch((e: unknown) => e)
    expect(error).toMatchObject({ name, $metadata: { httpStatusCode: status } })
    await aws.faults.clear()
    expect(await exists(`refused-${fault}`)).toBe(false)
  })

  it('cancels a transaction with a TransactionConflict reason on a conflict', async () => {
    await aws.faults.set('dynamodb.TransactWriteItems:conflict=100%')
    const error = await dynamodb
      .send(
        new TransactWriteItemsCommand({
          TransactItems: ['t-1', 't-2'].map((id) => ({
            Put: { TableName, Item: { id: { S: id } } },
          })),
        }),
      )
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
    })
    await aws.faults.clear()
    expect(await exists('t-1')).toBe(false)
  })

  it('loses the reply of a write that took effect: the client sees the connection reset', async () => {
    await aws.faults.set('dynamodb.PutItem:lost=100%')
    const error = await put('lost-reply').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ECONNRESET' })
    await aws.faults.clear()
    expect(await exists('lost-reply')).toBe(true)
  })

  it("lets the SDK's own retries ride out a fault, as against AWS", async () => {
    // 10 attempts against a 30 % throttle: a put fails for good once in 170,000.
    const retrying = new DynamoDBClient({
      ...emulatorClientConfig(aws.dynamoDbEndpoint),
      maxAttempts: 10,
    })
    await aws.faults.set('dynamodb.PutItem:throttle=30%')
    const throttled = async () =>
      (await aws.faults.report())['dynamodb.PutItem']?.errors.throttle ?? 0
    const before = await throttled()
    let attempts = 0
    for (let i = 0; i < 20; i++) {
      const out = await retrying.send(
        new PutItemCommand({ TableName, Item: { id: { S: `r-${i}` } } }),
      )
      attempts += out.$metadata.attempts ?? 1
    }
    retrying.destroy()
    expect(attempts).toBeGreaterThan(20)
    // The report counts since the start, across rule changes.
    expect((await throttled()) - before).toBe(attempts - 20)
  })

  it('adds latency to the share of requests it is given', async () => {
    await aws.faults.set('dynamodb.GetItem:latency=300ms')
    const started = performance.now()
    await exists('plain')
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
    expect((await aws.faults.report())['dynamodb.GetItem']).toMatchObject({ delayed: 1 })
  })

  it('answers SQS errors in its JSON protocol (RequestThrottled, InternalFailure)', async () => {
    await aws.faults.set('sqs.SendMessage:throttle=100%')
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' })),
    ).rejects.toMatchObject({
      name: 'RequestThrottled',
    })
    await aws.faults.set('sqs.SendMessage:5xx=100%')
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' })),
    ).rejects.toMatchObject({
      name: 'InternalFailure',
      $metadata: { httpStatusCode: 500 },
    })
    await aws.faults.clear()
    expect(await depth()).toBe(0)
  })

  it('loses the reply of an SQS send after the message was queued', async () => {
    await aws.faults.set('sqs.SendMessage:lost=100%')
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'kept' })),
    ).rejects.toMatchObject({ code: 'ECONNRESET' })
    await aws.faults.clear()
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    )
    expect(received.Messages?.map((m) => m.Body)).toEqual(['kept'])
  })

  it('answers SNS errors in its Query protocol (Throttled)', async () => {
    const topic = await sns.send(new CreateTopicCommand({ Name: 'faulty' }))
    await aws.faults.set('sns:throttle=100%')
    await expect(
      sns.send(new PublishCommand({ TopicArn: topic.TopicArn, Message: 'x' })),
    ).rejects.toMatchObject({ name: 'ThrottledException', $metadata: { httpStatusCode: 429 } })
    expect(await aws.faults.report()).toMatchObject({
      'sns.Publish': { requests: 1, errors: { throttle: 1 } },
    })
  })

  it('leaves a request marked fault-free alone, and does not count it', async () => {
    const topic = await sns.send(new CreateTopicCommand({ Name: 'fault-free' }))
    const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'fault-free' }))).QueueUrl
    const observer = {
      dynamodb: faultFree(new DynamoDBClient(once(aws.dynamoDbEndpoint))),
      sqs: faultFree(new SQSClient(once(aws.endpoint))),
      sns: faultFree(new SNSClient(once(aws.endpoint))),
    }
    try {
      await aws.faults.set('dynamodb:5xx=100%; sqs:lost=100%; sns:throttle=100%')
      const before = await aws.faults.report()
      await observer.dynamodb.send(
        new PutItemCommand({ TableName, Item: { id: { S: 'fault-free' } } }),
      )
      const item = await observer.dynamodb.send(
        new GetItemCommand({ TableName, Key: { id: { S: 'fault-free' } } }),
      )
      expect(item.Item).toEqual({ id: { S: 'fault-free' } })
      await observer.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'seen' }))
      const received = await observer.sqs.send(
        new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 }),
      )
      expect(received.Messages?.map((m) => m.Body)).toEqual(['seen'])
      await observer.sns.send(new PublishCommand({ TopicArn: topic.TopicArn, Message: 'x' }))
      expect(await aws.faults.report()).toEqual(before)
      // The rules were in force for everyone else.
      await expect(put('not-fault-free')).rejects.toMatchObject({ name: 'InternalServerError' })
      await expect(
        sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 })),
      ).rejects.toMatchObject({ code: 'ECONNRESET' })
    } finally {
      for (const client of Object.values(observer)) client.destroy()
    }
  })

  it('serves the rules in force and what they injected on the endpoint, for tools in another process', async () => {
    await aws.faults.set('sns.ListTopics:5xx=100%')
    await sns.send(new ListTopicsCommand({})).catch(() => undefined)
    const response = await fetch(`${aws.endpoint}${faultsRoute}`)
    expect(await response.json()).toMatchObject({
      rules: [{ service: 'sns', operation: 'ListTopics', errors: { '5xx': 1 } }],
      report: { 'sns.ListTopics': { requests: 1, errors: { '5xx': 1 } } },
    })
  })

  it('refuses a bad spec whole, keeping the rules in force', async () => {
    await aws.faults.set('sqs:latency=1ms')
    await expect(aws.faults.set('sqs:throughput=5%')).rejects.toThrow(FaultSpecError)
    expect(aws.faults.rules).toEqual([
      { service: 'sqs', errors: {}, latency: { minMs: 1, maxMs: 1, rate: 1 } },
    ])
  })
})

describe('fault injection given at start', () => {
  let aws: EmbeddedAws
  beforeAll(async () => {
    aws = await startEmbeddedAws({ port: 0, faults: 'sqs.CreateQueue:5xx=100%' })
  })
  afterAll(async () => {
    await aws?.stop()
  })

  it('applies from the first request', async () => {
    const sqs = new SQSClient(once(aws.endpoint))
    await expect(sqs.send(new CreateQueueCommand({ QueueName: 'never' }))).rejects.toMatchObject({
      name: 'InternalFailure',
    })
    sqs.destroy()
  })

  it('refuses to start with a bad spec', async () => {
    await expect(startEmbeddedAws({ port: 0, faults: 'sqs:typo=1%' })).rejects.toThrow(
      /invalid fault spec: 'typo=1%' names no fault/,
    )
  })
})
