import type { SQSRecord } from 'aws-lambda'
import { describe, expect, it } from 'vitest'
import { OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { consumer } from '../../../functions/runtime/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderPlaced } from './events.ts'
import {
  createConsumerResources,
  lambdaContext,
  pollOnce,
  receive,
  sendBodies,
  settingsFor,
} from './fixture.ts'

const aws = useEmbeddedAws()

/**
 * A FIFO batch as Lambda presents it. Real SQS hands one batch several messages of a
 * group; fauxqs hands out one per group per receive, so these batches are built here.
 */
function fifoRecords(
  queueArn: string,
  messages: { id: string; group: string; body?: string }[],
): SQSRecord[] {
  return messages.map(({ id, group, body }, i) => ({
    messageId: `m-${id}`,
    receiptHandle: `r-${id}`,
    body: body ?? JSON.stringify(orderPlaced(id)),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
      MessageGroupId: group,
      MessageDeduplicationId: `d-${id}`,
      SequenceNumber: String(i),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  }))
}

describe('FIFO queues', () => {
  it('keeps order within a group, stops a group at its first failure, runs groups in parallel', async () => {
    const resources = await createConsumerResources(aws.endpoint, {
      fifo: true,
      visibilityTimeout: 30,
    })
    const seen: string[] = []
    let inFlight = 0
    let maxInFlight = 0
    const handler = consumer({
      name: 'projections',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      async handle(event) {
        const { orderId } = event.payload
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        await new Promise((resolve) => setTimeout(resolve, 30))
        inFlight--
        seen.push(orderId)
        if (orderId === 'a2') throw new Error('projection out of date')
      },
    })
    const records = fifoRecords(resources.queueArn, [
      { id: 'a1', group: 'A' },
      { id: 'b1', group: 'B' },
      { id: 'a2', group: 'A' },
      { id: 'a3', group: 'A' },
      { id: 'b2', group: 'B' },
    ])
    const response = await handler({ Records: records }, lambdaContext())
    const idOf = (orderId: string) => `m-${orderId}`
    const invocation = { response }
    expect(invocation.response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      expect.arrayContaining([idOf('a2'), idOf('a3')]),
    )
    expect(invocation.response.batchItemFailures).toHaveLength(2)
    expect(seen.filter((id) => id.startsWith('a'))).toEqual(['a1', 'a2']) // a3 never started
    expect(seen.filter((id) => id.startsWith('b'))).toEqual(['b1', 'b2'])
    expect(maxInFlight).toBe(2)
  })

  it('runs an event that came in two groups of one batch once', async () => {
    const resources = await createConsumerResources(aws.endpoint, { fifo: true })
    let calls = 0
    const handler = consumer({
      name: 'projections',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      async handle() {
        calls++
        await new Promise((resolve) => setTimeout(resolve, 30))
      },
    })
    const body = JSON.stringify(orderPlaced('twice'))
    const response = await handler(
      {
        Records: fifoRecords(resources.queueArn, [
          { id: 'x', group: 'A', body },
          { id: 'y', group: 'B', body },
        ]),
      },
      lambdaContext(),
    )
    expect(response).toEqual({ batchItemFailures: [] })
    expect(calls).toBe(1)
  })

  it('dead-letters a poison FIFO message into the FIFO DLQ with its group', async () => {
    const resources = await createConsumerResources(aws.endpoint, { fifo: true })
    const handler = consumer({
      name: 'projections',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      async handle() {},
    })
    await sendBodies(resources.sqs, resources.queueUrl, [{ body: '{not json', groupId: 'G' }])
    const invocation = await pollOnce(handler, resources)
    expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    const [dead] = await receive(resources.sqs, resources.dlqUrl)
    expect(dead!.Body).toBe('{not json')
    expect(dead!.Attributes!.MessageGroupId).toBe('G')
  })
})
