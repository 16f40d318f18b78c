import { GetItemCommand } from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import { OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { consumer, runtimeDefaults } from '../../../functions/runtime/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderPlaced } from './events.ts'
import {
  createConsumerResources,
  lambdaContext,
  receive,
  sendBodies,
  settingsFor,
  toSqsEvent,
} from './fixture.ts'

const aws = useEmbeddedAws()

describe("the invocation's clock", () => {
  it('without a Lambda context (a call from a test or a script), runs the batch with the default lease', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const leases: number[] = []
    const handler = consumer({
      name: 'inventory',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      async handle(event, { signal }) {
        expect(signal.aborted).toBe(false)
        const record = await resources.dynamodb.send(
          new GetItemCommand({
            TableName: resources.table,
            Key: { id: { S: `inventory#${event.eventId}` } },
            ConsistentRead: true,
          }),
        )
        leases.push(Number(record.Item!.leaseExpiresAt!.N) - Date.now() / 1000)
      },
    })
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(orderPlaced('no-context')) },
    ])
    const messages = await receive(resources.sqs, resources.queueUrl)
    const response = await handler(toSqsEvent(messages, resources.queueArn), undefined as never)
    expect(response).toEqual({ batchItemFailures: [] })
    expect(leases).toHaveLength(1)
    // Whole seconds from when the lease was taken, read a moment later.
    expect(leases[0]).toBeGreaterThan(runtimeDefaults.leaseSeconds - 5)
    expect(leases[0]).toBeLessThanOrEqual(runtimeDefaults.leaseSeconds + 1)
  })

  it('aborts the handler’s signal when less than the deadline margin is left, saying why', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const reasons: unknown[] = []
    const handler = consumer({
      name: 'inventory',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      async handle(_event, { signal }) {
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
        reasons.push(signal.reason)
      },
    })
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(orderPlaced('slow')) },
    ])
    const messages = await receive(resources.sqs, resources.queueUrl)
    // 1.5 s left and a 1 s margin: the signal aborts after about half a second.
    const started = Date.now()
    await handler(toSqsEvent(messages, resources.queueArn), lambdaContext(1_500))
    expect(Date.now() - started).toBeGreaterThanOrEqual(400)
    expect(reasons).toEqual([
      expect.objectContaining({ message: 'the invocation is about to time out' }),
    ])
  })
})
