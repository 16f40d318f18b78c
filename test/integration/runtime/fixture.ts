import { randomUUID } from 'node:crypto'
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda'
import { vi } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'

// Quiet Powertools in tests: the runtime logs and emits EMF on every invocation.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT'
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true'

export interface ConsumerResources {
  readonly sqs: SQSClient
  readonly dynamodb: DynamoDBClient
  readonly queueUrl: string
  readonly queueArn: string
  readonly dlqUrl: string
  readonly table: string
  readonly maxReceiveCount: number
}

/** A queue with its DLQ (redrive at maxReceiveCount) and an idempotency table, fresh names. */
export async function createConsumerResources(
  endpoint: string,
  options: { fifo?: boolean; maxReceiveCount?: number; visibilityTimeout?: number } = {},
): Promise<ConsumerResources> {
  const sqs = new SQSClient(emulatorClientConfig(endpoint))
  const dynamodb = new DynamoDBClient(emulatorClientConfig(endpoint))
  const id = randomUUID().slice(0, 8)
  const suffix = options.fifo ? '.fifo' : ''
  const fifoAttributes: Record<string, string> = options.fifo ? { FifoQueue: 'true' } : {}
  const maxReceiveCount = options.maxReceiveCount ?? 3
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: `dlq-${id}${suffix}`, Attributes: fifoAttributes }),
  )
  const dlqArn = await queueArn(sqs, dlq.QueueUrl!)
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `queue-${id}${suffix}`,
      Attributes: {
        ...fifoAttributes,
        VisibilityTimeout: String(options.visibilityTimeout ?? 30),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
      },
    }),
  )
  const table = `idempotency-${id}`
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  return {
    sqs,
    dynamodb,
    queueUrl: queue.QueueUrl!,
    queueArn: await queueArn(sqs, queue.QueueUrl!),
    dlqUrl: dlq.QueueUrl!,
    table,
    maxReceiveCount,
  }
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  )
  return attributes.Attributes!.QueueArn!
}

/** The settings a consumer needs for these resources, as the CDK stack gives them in env. */
export function settingsFor(resources: ConsumerResources) {
  return {
    queueUrl: resources.queueUrl,
    dlqUrl: resources.dlqUrl,
    maxReceiveCount: resources.maxReceiveCount,
    idempotencyTable: resources.table,
    clients: { sqs: resources.sqs, dynamodb: resources.dynamodb },
  }
}

/** Sends bodies (with optional attributes and FIFO group) to a queue, 10 a request. */
export async function sendBodies(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly {
    body: string
    attributes?: Record<string, string>
    groupId?: string
  }[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10)
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((message, j) => ({
          Id: String(j),
          MessageBody: message.body,
          MessageAttributes: Object.fromEntries(
            Object.entries(message.attributes ?? {}).map(([name, value]) => [
              name,
              { DataType: 'String', StringValue: value },
            ]),
          ),
          ...(message.groupId
            ? { MessageGroupId: message.groupId, MessageDeduplicationId: randomUUID() }
            : {}),
        })),
      }),
    )
    if (result.Failed?.length) throw new Error(`send failed: ${JSON.stringify(result.Failed)}`)
  }
}

/** Receives up to `max` messages with every attribute, as Lambda's event source mapping does. */
export async function receive(
  sqs: SQSClient,
  queueUrl: string,
  max = 10,
  waitTimeSeconds = 0,
): Promise<Message[]> {
  const result = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: waitTimeSeconds,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  )
  return result.Messages ?? []
}

/** SQS messages as the Lambda SQS event the runtime receives. */
export function toSqsEvent(messages: readonly Message[], queueArn: string): SQSEvent {
  return {
    Records: messages.map(
      (message): SQSRecord => ({
        messageId: message.MessageId!,
        receiptHandle: message.ReceiptHandle!,
        body: message.Body ?? '',
        attributes: message.Attributes as unknown as SQSRecord['attributes'],
        messageAttributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
            name,
            {
              dataType: value.DataType!,
              ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
              ...(value.BinaryValue !== undefined
                ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
                : {}),
              stringListValues: [],
              binaryListValues: [],
            },
          ]),
        ),
        md5OfBody: message.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: 'us-east-1',
      }),
    ),
  }
}

/** A Lambda context with `remainingMs` left. */
export function lambdaContext(remainingMs = 30_000): Context {
  const end = Date.now() + remainingMs
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'consumer-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:consumer-test',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/consumer-test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => end - Date.now(),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  }
}

type BatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>

export type Invocation =
  | { readonly ok: true; readonly response: SQSBatchResponse; readonly messages: Message[] }
  | { readonly ok: false; readonly error: Error; readonly messages: Message[] }

/**
 * One poll of Lambda's SQS event source mapping: receive, invoke, then delete what the
 * partial batch response did not name (nothing when the invocation threw).
 */
export async function pollOnce(
  handler: BatchHandler,
  resources: ConsumerResources,
  options: { max?: number; remainingMs?: number; waitTimeSeconds?: number } = {},
): Promise<Invocation> {
  const messages = await receive(
    resources.sqs,
    resources.queueUrl,
    options.max ?? 10,
    options.waitTimeSeconds ?? 0,
  )
  if (messages.length === 0) return { ok: true, response: { batchItemFailures: [] }, messages }
  let response: SQSBatchResponse
  try {
    response = await handler(
      toSqsEvent(messages, resources.queueArn),
      lambdaContext(options.remainingMs),
    )
  } catch (error) {
    return { ok: false, error: error as Error, messages }
  }
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier))
  const done = messages.filter((m) => !failed.has(m.MessageId!))
  if (done.length > 0) {
    await resources.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: resources.queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    )
  }
  return { ok: true, response, messages }
}

/** Messages in a queue right now (visible + in flight), as SQS approximates them. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const result = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  )
  return (
    Number(result.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(result.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  )
}

/** Runs `poll` and returns its invocation with the JSON log lines written meanwhile. */
export async function withLogs<T = Invocation>(poll: () => Promise<T>) {
  const lines: string[] = []
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk))
      return true
    })
  }
  const invocation = await poll().finally(() => vi.restoreAllMocks())
  const entries = lines
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
  return { invocation, entries }
}
