import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns'
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs'
import { describe, expect, it } from 'vitest'
import { OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { consumer, TransientError } from '../../../functions/runtime/index.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderPlaced } from './events.ts'
import {
  type ConsumerResources,
  createConsumerResources,
  pollOnce,
  queueDepth,
  receive,
  sendBodies,
  settingsFor,
} from './fixture.ts'

/**
 * The runtime when AWS itself misbehaves (the embedded AWS's fault injection): a failed
 * record must come back after its backoff, never wait out the visibility timeout (30 s
 * here) because a reply was lost, a write met a transaction, or AWS throttled.
 */
const aws = useEmbeddedAws()

/** A consumer running `handle`, with a 2 s backoff on receive 1 (full jitter at its top). */
function backingOff(resources: ConsumerResources, handle: () => Promise<unknown>) {
  return consumer({
    name: 'notifications',
    events: { 'order.placed': OrderPlacedV1 },
    ...settingsFor(resources),
    backoffBaseSeconds: 2,
    random: () => 0.999,
    async handle() {
      await handle()
    },
  })
}

/** A consumer whose handler runs `during`, then fails transiently. */
function failingConsumer(resources: ConsumerResources, during: () => Promise<unknown>) {
  return backingOff(resources, async () => {
    await during()
    throw new TransientError('mail server busy')
  })
}

/** Receives the message again within `seconds`, or undefined. */
async function backWithin(resources: ConsumerResources, seconds: number) {
  const [again] = await receive(resources.sqs, resources.queueUrl, 1, seconds)
  return again
}

async function recordOf(dynamodb: DynamoDBClient, table: string, key: string) {
  const { Item } = await dynamodb.send(
    new GetItemCommand({ TableName: table, Key: { id: { S: key } }, ConsistentRead: true }),
  )
  return { status: Item?.status?.S, failures: Number(Item?.failures?.N ?? 0) }
}

/** Calls `onFailure` with each error an operation of `client` answers (after the SDK's retries). */
function onFailure(
  client: DynamoDBClient | SQSClient,
  onFailure: (error: Error, command: string) => Promise<void> | void,
) {
  // Every client's stack takes the same middleware; the union of their types does not.
  ;(client as DynamoDBClient).middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args)
      } catch (error) {
        await onFailure(error as Error, String(context.commandName))
        throw error
      }
    },
    { step: 'initialize', name: 'onFailureForTest' },
  )
}

describe('the runtime under AWS faults', () => {
  it('backs off a record whose lease release landed but whose reply was lost, and counts the failure once', async () => {
    // The chaos run's stuck event: the release's reply is dropped, the SDK sends it again,
    // DynamoDB refuses it (the record is released already) and the runtime took that for a
    // lease another owner had taken: no backoff, so the record waited out the visibility timeout.
    const resources = await createConsumerResources(aws.endpoint, { visibilityTimeout: 30 })
    const handler = failingConsumer(resources, () =>
      aws.aws.faults.set('dynamodb.UpdateItem:lost=100%'),
    )
    const event = orderPlaced('o-lost-release')
    await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(event) }])
    const started = Date.now()
    try {
      expect((await pollOnce(handler, resources)).ok).toBe(false)
    } finally {
      await aws.aws.faults.clear()
    }
    const report = await aws.aws.faults.report()
    expect(report['dynamodb.UpdateItem']?.lostReplies).toBeGreaterThan(0)

    const again = await backWithin(resources, 5)
    expect(again, 'back after its 2 s backoff, not the 30 s visibility timeout').toBeDefined()
    expect(Date.now() - started).toBeLessThan(8_000)
    expect(
      await recordOf(resources.dynamodb, resources.table, `notifications#${event.eventId}`),
    ).toEqual({ status: 'RELEASED', failures: 1 })
  })

  it('acknowledges a record whose effects and completion committed although the reply was lost', async () => {
    // The commit lands, its reply is dropped and the error reaches the runtime (one attempt
    // here; in the chaos run a retry that met throttling): the release then finds the record
    // completed with its own token. Before, that was a lease "taken over": no backoff, and
    // the message waited out its visibility timeout to be skipped as a duplicate.
    const resources = await createConsumerResources(aws.endpoint, { visibilityTimeout: 30 })
    const dynamodb = new DynamoDBClient({ ...emulatorClientConfig(aws.endpoint), maxAttempts: 1 })
    const event = orderPlaced('o-lost-commit')
    const effect = `effect#${event.eventId}`
    const handler = consumer({
      name: 'notifications',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      clients: { sqs: resources.sqs, dynamodb },
      async handle() {
        await aws.aws.faults.set('dynamodb.TransactWriteItems:lost=100%')
        return [{ Put: { TableName: resources.table, Item: { id: effect } } }]
      },
    })
    await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(event) }])
    let invocation: Awaited<ReturnType<typeof pollOnce>>
    try {
      invocation = await pollOnce(handler, resources)
    } finally {
      await aws.aws.faults.clear()
      dynamodb.destroy()
    }
    expect((await aws.aws.faults.report())['dynamodb.TransactWriteItems']?.lostReplies).toBe(1)
    expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(await queueDepth(resources.sqs, resources.queueUrl)).toBe(0)
    expect(
      await recordOf(resources.dynamodb, resources.table, `notifications#${event.eventId}`),
    ).toEqual({ status: 'COMPLETED', failures: 0 })
    const written = await resources.dynamodb.send(
      new GetItemCommand({ TableName: resources.table, Key: { id: { S: effect } } }),
    )
    expect(written.Item, 'the handler’s write committed with the completion').toBeDefined()
  })

  it('retries a lease release that meets a transaction on the record, so the lease is not left held', async () => {
    const resources = await createConsumerResources(aws.endpoint, { visibilityTimeout: 30 })
    const conflicts: string[] = []
    onFailure(resources.dynamodb, async (error, command) => {
      if (command !== 'UpdateItemCommand') return
      conflicts.push(error.name)
      // Two conflicts, then the item is free again.
      if (conflicts.length === 2) await aws.aws.faults.clear()
    })
    const handler = failingConsumer(resources, () =>
      aws.aws.faults.set('dynamodb.UpdateItem:conflict=100%'),
    )
    const event = orderPlaced('o-conflicted-release')
    await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(event) }])
    try {
      expect((await pollOnce(handler, resources)).ok).toBe(false)
    } finally {
      await aws.aws.faults.clear()
    }
    expect(conflicts).toEqual(['TransactionConflictException', 'TransactionConflictException'])
    // Released (and the failure counted), not left IN_PROGRESS until its lease ends.
    expect(
      await recordOf(resources.dynamodb, resources.table, `notifications#${event.eventId}`),
    ).toEqual({ status: 'RELEASED', failures: 1 })
    expect(await backWithin(resources, 5)).toBeDefined()
  })

  it('tries a backoff’s visibility change again while SQS fails, so the backoff holds', async () => {
    const resources = await createConsumerResources(aws.endpoint, { visibilityTimeout: 30 })
    const sqs = new SQSClient({ ...emulatorClientConfig(aws.endpoint), maxAttempts: 1 })
    const refused: string[] = []
    onFailure(sqs, async (error, command) => {
      if (command !== 'ChangeMessageVisibilityCommand') return
      refused.push(error.name)
      if (refused.length === 2) await aws.aws.faults.clear()
    })
    const handler = consumer({
      name: 'notifications',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      clients: { sqs, dynamodb: resources.dynamodb },
      backoffBaseSeconds: 2,
      random: () => 0.999,
      async handle() {
        await aws.aws.faults.set('sqs.ChangeMessageVisibility:5xx=100%')
        throw new TransientError('mail server busy')
      },
    })
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(orderPlaced('o-visibility')) },
    ])
    try {
      expect((await pollOnce(handler, resources)).ok).toBe(false)
    } finally {
      await aws.aws.faults.clear()
      sqs.destroy()
    }
    expect(refused).toEqual(['InternalFailure', 'InternalFailure'])
    expect(await backWithin(resources, 5), 'back after its 2 s backoff').toBeDefined()
  })

  // What a handler's own SQS and SNS calls answer when AWS throttles or fails, through the
  // real SDK (one attempt, so the error reaches the handler at once).
  // [faults, service, the SDK's error name]
  const handlerCalls = {
    'SQS RequestThrottled': ['sqs.GetQueueAttributes:throttle=100%', 'sqs', 'RequestThrottled'],
    'SQS InternalFailure': ['sqs.GetQueueAttributes:5xx=100%', 'sqs', 'InternalFailure'],
    'SNS Throttled': ['sns.Publish:throttle=100%', 'sns', 'ThrottledException'],
    'SNS InternalError': ['sns.Publish:5xx=100%', 'sns', 'InternalErrorException'],
  } as const
  for (const [what, [faults, service, errorName]] of Object.entries(handlerCalls)) {
    it(`backs off a handler that failed with ${what}, instead of waiting out the visibility timeout`, async () => {
      const resources = await createConsumerResources(aws.endpoint, { visibilityTimeout: 30 })
      const config = { ...emulatorClientConfig(aws.endpoint), maxAttempts: 1 }
      const sqs = new SQSClient(config)
      const sns = new SNSClient(config)
      const seen: string[] = []
      const handler = backingOff(resources, async () => {
        try {
          if (service === 'sqs') {
            await sqs.send(new GetQueueAttributesCommand({ QueueUrl: resources.queueUrl }))
          } else {
            await sns.send(
              new PublishCommand({
                TopicArn: 'arn:aws:sns:us-east-1:000000000000:nowhere',
                Message: '{}',
              }),
            )
          }
        } catch (error) {
          seen.push((error as Error).name)
          throw error
        }
      })
      await sendBodies(resources.sqs, resources.queueUrl, [
        { body: JSON.stringify(orderPlaced(`o-${service}`)) },
      ])
      await aws.aws.faults.set(faults)
      try {
        expect((await pollOnce(handler, resources)).ok).toBe(false)
      } finally {
        await aws.aws.faults.clear()
        sqs.destroy()
        sns.destroy()
      }
      expect(seen).toEqual([errorName])
      expect(await backWithin(resources, 5), 'back after its 2 s backoff').toBeDefined()
    })
  }
})
