import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb'
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { peekDeadLetters } from '../../cli/dlq-messages.ts'
import { emulatorClientConfig } from '../../local/client-config.ts'
import { type EmbeddedAws, startEmbeddedAws } from '../../local/embedded-aws.ts'
import { faultFreeTarget } from '../chaos/fault-free-target.ts'

/**
 * What the chaos run's reconciliation reads while the embedded AWS injects faults. A full
 * run reported events neither processed nor dead-lettered, and poison events missing from
 * DLQs, that the function log showed dead-lettered: a lost reply to one of its DLQ receives
 * had hidden those messages for the peek's hold. It now reads through a fault-free target.
 */
describe("the chaos run's reconciliation under injected faults", () => {
  let aws: EmbeddedAws
  let sqs: SQSClient
  const TableName = 'records'
  const events = ['event-0', 'event-1', 'event-2', 'event-3', 'event-4']

  /** A DLQ holding the five events. */
  async function deadLetterQueue(name: string): Promise<string> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }))
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: events.map((eventId, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify({ eventId, eventType: 'order.placed' }),
        })),
      }),
    )
    return QueueUrl!
  }

  beforeAll(async () => {
    aws = await startEmbeddedAws({ port: 0 })
    // One attempt a request: what the embedded AWS answers is what the test sees.
    sqs = new SQSClient({ ...emulatorClientConfig(aws.endpoint), maxAttempts: 1 })
    const dynamodb = new DynamoDBClient(emulatorClientConfig(aws.endpoint))
    await dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      }),
    )
    for (const id of events) {
      await dynamodb.send(new PutItemCommand({ TableName, Item: { id: { S: id } } }))
    }
    dynamodb.destroy()
  }, 60_000)
  afterEach(async () => {
    await aws.faults.clear()
  })
  afterAll(async () => {
    sqs?.destroy()
    await aws?.stop()
  })

  it('through the faults, a lost reply to a DLQ receive hides its messages from the peeks after it', async () => {
    const queueUrl = await deadLetterQueue('through-faults-dlq')
    // A peek's receive whose reply is lost: the messages are taken all the same, for the
    // peek's hold (30 s).
    await aws.faults.set('sqs.ReceiveMessage:lost=100%')
    await expect(
      sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 30,
        }),
      ),
    ).rejects.toMatchObject({ code: 'ECONNRESET' })
    await aws.faults.clear()
    // The SDK's retry, and every peek until the hold ends, finds the DLQ empty.
    expect(await peekDeadLetters(sqs, queueUrl, 'dlq', 100)).toEqual([])
  })

  it('through the fault-free target, every DLQ message and every record is read, whatever is injected', async () => {
    const queueUrl = await deadLetterQueue('fault-free-dlq')
    const observer = faultFreeTarget(aws.endpoint)
    try {
      await aws.faults.set('sqs:lost=100%; dynamodb:lost=100%')
      // Twice: the first peek hid nothing from the second.
      for (let i = 0; i < 2; i++) {
        const peeked = await peekDeadLetters(observer.clients.sqs, queueUrl, 'dlq', 100)
        expect(peeked.map((d) => d.eventId).sort()).toEqual(events)
      }
      const scanned = await observer.clients.documents.send(new ScanCommand({ TableName }))
      expect(scanned.Items?.map((item) => item.id).sort()).toEqual(events)
      // The faults were in force for every other client.
      await expect(peekDeadLetters(sqs, queueUrl, 'dlq', 100)).rejects.toMatchObject({
        code: 'ECONNRESET',
      })
    } finally {
      observer.clients.destroy()
    }
  })
})
