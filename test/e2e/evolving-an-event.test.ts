import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SNSClient } from '@aws-sdk/client-sns'
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { peekDeadLetters } from '../../cli/dlq-messages.ts'
import { redriveMessages } from '../../cli/dlq-redrive.ts'
import { eventMessageAttributes } from '../../contracts/message-attributes.ts'
import {
  createEvent,
  createPublisher,
  type EventEnvelope,
  OrderPlacedV1,
} from '../../functions/catalogue/index.ts'
import { emulatorClientConfig } from '../../local/client-config.ts'
import {
  type LocalPipeline,
  startLocalPipeline,
} from '../../local/pipeline/start-local-pipeline.ts'
import { OrderPlacedV2 } from '../support/order-placed-v2.ts'
import { createMigrationApp, MIGRATION_OUTPUTS } from './fixtures/migration-app.ts'

/**
 * Introducing order.placed v2 breaks no consumer, on the embedded target (README "Evolving
 * an event"): mid-migration, `ledger` still declares order.placed [1] and `mailer` moved to
 * [2]. The producer publishes each order at both versions with one eventId; each
 * subscription selects the version its consumer declares, so each gets one copy. A v1 still
 * in mailer's queue from before it moved, or redriven from its DLQ, is upcast to v2; a v2
 * that reaches ledger is dead-lettered with the reason.
 */
let pipeline: LocalPipeline
let sqs: SQSClient
let sns: SNSClient
let documents: DynamoDBDocumentClient
let outputs: Record<string, string>
/** Every record each queue's mapping handed its function: `<queue ARN> <eventId> v<version>`. */
const delivered: string[] = []

beforeAll(async () => {
  pipeline = await startLocalPipeline({
    createApp: createMigrationApp,
    port: 0,
    onBatch: (outcome) => {
      for (const record of outcome.records as { eventSourceARN: string; body: string }[]) {
        const { eventId, version } = JSON.parse(record.body) as EventEnvelope
        delivered.push(`${record.eventSourceARN} ${eventId} v${version}`)
      }
    },
  })
  outputs = pipeline.stack.outputs
  const config = emulatorClientConfig(pipeline.aws.endpoint, pipeline.aws.region)
  sqs = new SQSClient(config)
  sns = new SNSClient(config)
  documents = DynamoDBDocumentClient.from(new DynamoDBClient(config))
}, 120_000)
afterAll(async () => {
  sqs?.destroy()
  sns?.destroy()
  documents?.destroy()
  await pipeline?.stop()
})

const lines = [{ sku: 'SKU-RED-MUG', quantity: 2, unitPrice: 12.5 }]
const placedV1 = (orderId: string) =>
  createEvent(
    OrderPlacedV1,
    { orderId, customerId: 'customer-42', items: lines, total: 25 },
    { source: 'shop' },
  )
/** The same order at v2, with the v1's eventId: one event, two versions of it. */
const placedV2 = (v1: EventEnvelope, currency: 'EUR' | 'USD' | 'GBP') =>
  createEvent(
    OrderPlacedV2,
    { ...(v1.payload as typeof OrderPlacedV2.payload._zod.input), currency },
    { source: 'shop', eventId: v1.eventId, correlationId: v1.correlationId },
  )

/** What a consumer's handler was given for an event, once it was given it. */
async function received(consumer: 'ledger' | 'mailer', eventId: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { Item } = await documents.send(
      new GetCommand({
        TableName: outputs[MIGRATION_OUTPUTS.receivedTable],
        Key: { id: `${consumer}#${eventId}` },
        ConsistentRead: true,
      }),
    )
    if (Item) return Item
    if (Date.now() > deadline) throw new Error(`${consumer} never handled ${eventId}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** A message on a queue as raw SNS delivery puts it there: the envelope, its attributes. */
function sendToQueue(queueUrl: string, event: EventEnvelope) {
  const attributes = eventMessageAttributes(event)
  return sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(event),
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([name, a]) => [name, a]),
      ),
    }),
  )
}

describe('order.placed v2, mid-migration, on the embedded target', () => {
  it('delivers each consumer the version it declares when the producer publishes both', async () => {
    const publisher = createPublisher({
      topicArn: outputs[MIGRATION_OUTPUTS.topicArn]!,
      sns,
      definitions: [OrderPlacedV1, OrderPlacedV2],
    })
    const v1 = placedV1('order-dual')
    await publisher.publishAll([v1, placedV2(v1, 'USD')])

    // ledger reads v1 and got the v1; mailer reads v2 and got the producer's v2 (USD, not
    // an upcast EUR). Each handled the event once: the other copy never reached its queue.
    expect(await received('ledger', v1.eventId)).toMatchObject({
      version: 1,
      payload: { orderId: 'order-dual', total: 25 },
    })
    expect((await received('ledger', v1.eventId)).payload).not.toHaveProperty('currency')
    expect(await received('mailer', v1.eventId)).toMatchObject({
      version: 2,
      payload: { orderId: 'order-dual', currency: 'USD' },
    })
    // The mappings report a batch after it settled; a second copy would come with the first.
    const copiesOf = () => delivered.filter((d) => d.includes(v1.eventId))
    while (copiesOf().length < 2) await new Promise((resolve) => setTimeout(resolve, 100))
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const copies = copiesOf()
    expect(copies.map((d) => d.replace(/^\S*?(ledger|mailer)\S* /i, '$1 ')).sort()).toEqual([
      `ledger ${v1.eventId} v1`,
      `mailer ${v1.eventId} v2`,
    ])
  })

  it('upcasts a v1 still in flight in the queue of a consumer that moved to v2', async () => {
    const inFlight = placedV1('order-in-flight')
    await sendToQueue(outputs[MIGRATION_OUTPUTS.mailerQueueUrl]!, inFlight)
    expect(await received('mailer', inFlight.eventId)).toMatchObject({
      version: 2,
      payload: { orderId: 'order-in-flight', currency: 'EUR', total: 25 },
    })
  })

  it('upcasts a v1 redriven from the DLQ of a consumer that moved to v2', async () => {
    const deadLettered = placedV1('order-redriven')
    const dlqUrl = outputs[MIGRATION_OUTPUTS.mailerDlqUrl]!
    await sendToQueue(dlqUrl, deadLettered)
    const result = await redriveMessages(
      sqs,
      { from: 'dlq', dlqUrl, queueUrl: outputs[MIGRATION_OUTPUTS.mailerQueueUrl]! },
      { limit: 10, eventId: deadLettered.eventId },
    )
    expect(result.moved.map((m) => m.eventId)).toEqual([deadLettered.eventId])
    expect(await received('mailer', deadLettered.eventId)).toMatchObject({
      version: 2,
      payload: { orderId: 'order-redriven', currency: 'EUR' },
    })
  })

  it('dead-letters a v2 that reaches a consumer still on v1, saying why and what to do', async () => {
    const v2 = placedV2(placedV1('order-too-new'), 'GBP')
    await sendToQueue(outputs[MIGRATION_OUTPUTS.ledgerQueueUrl]!, v2)
    const dlqUrl = outputs[MIGRATION_OUTPUTS.ledgerDlqUrl]!
    const deadline = Date.now() + 60_000
    let letters = await peekDeadLetters(sqs, dlqUrl, 'dlq', 10)
    while (!letters.some((l) => l.eventId === v2.eventId) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      letters = await peekDeadLetters(sqs, dlqUrl, 'dlq', 10)
    }
    const letter = letters.find((l) => l.eventId === v2.eventId)
    expect(letter?.failure).toMatchObject({
      errorName: 'InvalidRecordError',
      consumer: 'ledger',
      errorMessage: `event ${v2.eventId}: order.placed v2 is newer than the v1 this reader takes, and nothing downcasts: move the reader to v2 (the versions it declares), then redrive what it dead-lettered`,
    })
  })
})
