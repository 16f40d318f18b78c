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
    // Real SQS hands a FIFO batch several messages of one group; fauxqs hands out one per
    // group per receive, so this batch is built as Lambda would present it.
    const records = [
      { id: 'a1', group: 'A' },
      { id: 'b1', group: 'B' },
      { id: 'a2', group: 'A' },
      { id: 'a3', group: 'A' },
      { id: 'b2', group: 'B' },
    ].map(({ id, group }, i) => ({
      messageId: `m-${id}`,
      receiptHandle: `r-${id}`,
      body: JSON.stringify(orderPlaced(id)),
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
      eventSourceARN: resources.queueArn,
      awsRegion: 'us-east-1',
    }))
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
