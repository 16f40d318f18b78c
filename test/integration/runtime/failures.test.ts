import { SQSClient } from '@aws-sdk/client-sqs'
import { describe, expect, it } from 'vitest'
import { OrderCancelledV1, OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { BatchFailedError, consumer, PermanentError } from '../../../functions/runtime/index.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { attributesOf, orderCancelled, orderPlaced } from './events.ts'
import {
  createConsumerResources,
  pollOnce,
  queueDepth,
  receive,
  sendBodies,
  settingsFor,
} from './fixture.ts'

const aws = useEmbeddedAws()

/** A consumer whose handler fails by orderId: `poison-*` permanently, `boom-*` unknown. */
async function setUp(options: { maxReceiveCount?: number; visibilityTimeout?: number } = {}) {
  const resources = await createConsumerResources(aws.endpoint, options)
  const handled: string[] = []
  const handler = consumer({
    name: 'inventory',
    events: { 'order.placed': OrderPlacedV1, 'order.cancelled': OrderCancelledV1 },
    ...settingsFor(resources),
    async handle(event) {
      const { orderId } = event.payload
      if (orderId.startsWith('poison-'))
        throw new PermanentError(`order ${orderId} cannot be reserved`)
      if (orderId.startsWith('boom-')) throw new Error(`stock service said no to ${orderId}`)
      handled.push(orderId)
    },
  })
  return { resources, handled, handler }
}

describe('failures', () => {
  it('sends a poison message to the DLQ with its metadata after one receive, then deletes it', async () => {
    const { resources, handler } = await setUp()
    const event = orderPlaced('poison-1')
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(event), attributes: attributesOf(event) },
    ])
    const before = Date.now()
    const invocation = await pollOnce(handler, resources)
    // Dead-lettered records are not failures of the batch: Lambda must not redeliver them.
    expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })

    const [dead, ...others] = await receive(resources.sqs, resources.dlqUrl)
    expect(others).toEqual([])
    expect(dead!.Body).toBe(JSON.stringify(event))
    const attributes = Object.fromEntries(
      Object.entries(dead!.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
    )
    expect(attributes).toMatchObject({
      eventType: 'order.placed',
      version: '1',
      'failure.errorName': 'PermanentError',
      'failure.errorMessage': 'order poison-1 cannot be reserved',
      'failure.consumer': 'inventory',
      'failure.attempts': '1',
    })
    const first = Date.parse(attributes['failure.firstFailureAt']!)
    expect(first).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
    expect(attributes['failure.lastFailureAt']).toBe(attributes['failure.firstFailureAt'])
    expect(await queueDepth(resources.sqs, resources.queueUrl)).toBe(0)
  })

  it('reports exactly the failed ids of a mixed batch and processes the rest', async () => {
    const { resources, handler, handled } = await setUp()
    const events = [
      orderPlaced('ok-1'),
      orderPlaced('boom-1'),
      orderPlaced('ok-2'),
      orderPlaced('boom-2'),
    ]
    await sendBodies(
      resources.sqs,
      resources.queueUrl,
      events.map((e) => ({ body: JSON.stringify(e), attributes: attributesOf(e) })),
    )
    const invocation = await pollOnce(handler, resources)
    if (!invocation.ok) throw invocation.error
    const idOf = (orderId: string) =>
      invocation.messages.find((m) => m.Body!.includes(`"orderId":"${orderId}"`))!.MessageId
    expect(invocation.response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [idOf('boom-1'), idOf('boom-2')].sort(),
    )
    expect(handled.sort()).toEqual(['ok-1', 'ok-2'])
  })

  it('throws when every record of the batch failed, so Lambda counts an error', async () => {
    const { resources, handler } = await setUp()
    const events = [orderPlaced('boom-1'), orderPlaced('boom-2')]
    await sendBodies(
      resources.sqs,
      resources.queueUrl,
      events.map((e) => ({ body: JSON.stringify(e) })),
    )
    const invocation = await pollOnce(handler, resources)
    expect(invocation.ok).toBe(false)
    if (invocation.ok) return
    expect(invocation.error).toBeInstanceOf(BatchFailedError)
    expect(invocation.error.message).toMatch(/all 2 record\(s\) of the batch failed/)
    expect((invocation.error as BatchFailedError).failures).toHaveLength(2)
  })

  it('dead-letters on the last allowed receive with the attempts and first failure time', async () => {
    const { resources, handler } = await setUp({ maxReceiveCount: 2, visibilityTimeout: 1 })
    const event = orderPlaced('boom-last')
    await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(event) }])
    const first = await pollOnce(handler, resources)
    expect(first.ok).toBe(false) // the only record failed: plain redrive
    expect(await receive(resources.sqs, resources.dlqUrl)).toEqual([])
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    const second = await pollOnce(handler, resources, { waitTimeSeconds: 2 })
    expect(second).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(second.messages[0]!.Attributes!.ApproximateReceiveCount).toBe('2')

    const [dead] = await receive(resources.sqs, resources.dlqUrl)
    const attributes = Object.fromEntries(
      Object.entries(dead!.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
    )
    expect(attributes).toMatchObject({
      'failure.errorName': 'Error',
      'failure.errorMessage': 'stock service said no to boom-last',
      'failure.attempts': '2',
    })
    // The first failure was one receive earlier: kept on the idempotency record.
    expect(Date.parse(attributes['failure.firstFailureAt']!)).toBeLessThan(
      Date.parse(attributes['failure.lastFailureAt']!),
    )
    expect(await queueDepth(resources.sqs, resources.queueUrl)).toBe(0)
  })

  it('dates the first failure from the first receive, also when that receive failed before its lease', async () => {
    const resources = await createConsumerResources(aws.endpoint, {
      maxReceiveCount: 2,
      visibilityTimeout: 30,
    })
    const handler = consumer({
      name: 'inventory',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      // The lease phase's failure is transient: back after the whole 1 s ceiling.
      backoffBaseSeconds: 1,
      random: () => 0.999,
      async handle() {
        throw new Error('stock service down')
      },
    })
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(orderPlaced('o-before-lease')) },
    ])
    // The first receive cannot take its lease: no idempotency record counts that failure.
    await aws.aws.faults.set([{ service: 'dynamodb', errors: { '5xx': 1 } }])
    const first = await pollOnce(handler, resources).finally(() => aws.aws.faults.set([]))
    expect(first.ok).toBe(false)
    const [firstReceive] = first.messages
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    const second = await pollOnce(handler, resources, { waitTimeSeconds: 3 })
    expect(second.messages[0]!.Attributes!.ApproximateReceiveCount).toBe('2')

    const [dead] = await receive(resources.sqs, resources.dlqUrl)
    const attributes = Object.fromEntries(
      Object.entries(dead!.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
    )
    expect(attributes['failure.attempts']).toBe('2')
    const firstReceiveSecond = Math.floor(
      Number(firstReceive!.Attributes!.ApproximateFirstReceiveTimestamp) / 1000,
    )
    expect(Date.parse(attributes['failure.firstFailureAt']!) / 1000).toBe(firstReceiveSecond)
    expect(Date.parse(attributes['failure.firstFailureAt']!)).toBeLessThan(
      Date.parse(attributes['failure.lastFailureAt']!),
    )
  })

  it('handles every kind of bad record on its own, with a clear error, losing none', async () => {
    const { resources, handler, handled } = await setUp()
    const good = orderPlaced('ok-1')
    const wrongSchema = { ...orderPlaced('bad-total'), payload: { ...good.payload, total: 1 } }
    const unknownType = { ...orderPlaced('x'), eventType: 'order.shipped' }
    const { eventId: _, ...missingId } = orderPlaced('no-id')
    const proto = `{"eventId":"p-1","eventType":"order.placed","version":1,"timestamp":"2026-05-01T00:00:00Z","source":"x","correlationId":"c","payload":{"__proto__":{"admin":true},"orderId":"o"}}`
    const oversize = JSON.stringify({ ...orderPlaced('big'), padding: 'x'.repeat(262_144) })
    const bodies = {
      good: JSON.stringify(good),
      malformed: '{"eventId": "m-1", ',
      wrongSchema: JSON.stringify(wrongSchema),
      unknownType: JSON.stringify(unknownType),
      missingId: JSON.stringify(missingId),
      proto,
      oversize,
    }
    await sendBodies(
      resources.sqs,
      resources.queueUrl,
      Object.values(bodies).map((body) => ({ body })),
    )
    const invocation = await pollOnce(handler, resources)
    expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(invocation.messages).toHaveLength(7)
    expect(handled).toEqual(['ok-1'])

    const dead = [
      ...(await receive(resources.sqs, resources.dlqUrl)),
      ...(await receive(resources.sqs, resources.dlqUrl)),
    ]
    const why = new Map(
      dead.map((m) => [m.Body, m.MessageAttributes?.['failure.errorMessage']?.StringValue]),
    )
    expect(why.size).toBe(6)
    expect(why.get(bodies.malformed)).toMatch(/^record body is not valid JSON: /)
    expect(why.get(bodies.wrongSchema)).toMatch(
      /payload\.total: total 1 is not the sum of the lines/,
    )
    expect(why.get(bodies.unknownType)).toMatch(
      /has type 'order\.shipped', which this consumer does not handle \(it handles order\.placed, order\.cancelled\)/,
    )
    expect(why.get(bodies.missingId)).toBe('event has no eventId (a non-empty string is required)')
    expect(why.get(bodies.proto)).toBe(
      "record body has a forbidden key at 'payload.__proto__' (prototype pollution); it is refused",
    )
    expect(why.get(bodies.oversize)).toMatch(
      /^record body is \d+ bytes; this consumer accepts at most 262144$/,
    )
    for (const message of dead) {
      expect(message.MessageAttributes?.['failure.errorName']?.StringValue).toBe(
        'InvalidRecordError',
      )
    }
    expect(Object.prototype).not.toHaveProperty('admin')
    expect(await queueDepth(resources.sqs, resources.queueUrl)).toBe(0)
  })

  it('keeps the source message when the DLQ refuses it, so nothing is lost', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const handler = consumer({
      name: 'inventory',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      dlqUrl: `${resources.dlqUrl}-missing`,
      async handle() {
        throw new PermanentError('poison')
      },
    })
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(orderPlaced('poison-kept')) },
    ])
    const invocation = await pollOnce(handler, resources)
    expect(invocation.ok).toBe(false) // its only record is left for the redrive policy
    expect(await queueDepth(resources.sqs, resources.queueUrl)).toBe(1)
    expect(await receive(resources.sqs, resources.dlqUrl)).toEqual([])
  })

  it('reports a dead-lettered record as done even when deleting it failed, so it is not sent twice', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const sqs = new SQSClient(emulatorClientConfig(aws.endpoint))
    sqs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteMessageCommand') throw new Error('network down')
        return next(args)
      },
      { step: 'initialize' },
    )
    const handler = consumer({
      name: 'inventory',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      clients: { sqs, dynamodb: resources.dynamodb },
      async handle() {
        throw new PermanentError('poison')
      },
    })
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(orderPlaced('poison-undeleted')) },
    ])
    const invocation = await pollOnce(handler, resources) // deletes what is not reported, as Lambda does
    expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(await receive(resources.sqs, resources.dlqUrl)).toHaveLength(1)
    expect(await queueDepth(resources.sqs, resources.queueUrl)).toBe(0)
  })

  it('acknowledges event types it does not handle when told to ignore them', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const handled: string[] = []
    const handler = consumer({
      name: 'projections',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      unknownEvents: 'ignore',
      async handle(event) {
        handled.push(event.eventType)
      },
    })
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(orderCancelled('o-x')) },
      { body: JSON.stringify(orderPlaced('o-x')) },
    ])
    expect(await pollOnce(handler, resources)).toMatchObject({
      ok: true,
      response: { batchItemFailures: [] },
    })
    expect(handled).toEqual(['order.placed'])
    expect(await receive(resources.sqs, resources.dlqUrl)).toEqual([])
    expect(await queueDepth(resources.sqs, resources.queueUrl)).toBe(0)
  })

  it('reads SNS notification bodies (raw delivery off) like raw ones', async () => {
    const { resources, handler, handled } = await setUp()
    const event = orderCancelled('o-sns')
    const notification = {
      Type: 'Notification',
      MessageId: 'm-1',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:events',
      Message: JSON.stringify(event),
      MessageAttributes: { eventType: { Type: 'String', Value: 'order.cancelled' } },
    }
    await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(notification) }])
    const invocation = await pollOnce(handler, resources)
    expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(handled).toEqual(['o-sns'])
  })
})
