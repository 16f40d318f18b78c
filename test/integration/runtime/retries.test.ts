import { describe, expect, it } from 'vitest'
import { OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { consumer, TransientError } from '../../../functions/runtime/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderPlaced } from './events.ts'
import {
  createConsumerResources,
  pollOnce,
  queueDepth,
  receive,
  sendBodies,
  settingsFor,
} from './fixture.ts'

const aws = useEmbeddedAws()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('retries', () => {
  it('hides a transient failure for its backoff, then delivers it again', async () => {
    const resources = await createConsumerResources(aws.endpoint, { visibilityTimeout: 30 })
    let calls = 0
    const handler = consumer({
      name: 'notifications',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      backoffBaseSeconds: 2,
      // Full jitter at its top: the delay is the whole exponential ceiling, 2 s on receive 1.
      random: () => 0.999,
      async handle() {
        calls++
        if (calls === 1) throw new TransientError('mail server busy')
      },
    })
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(orderPlaced('o-1')) },
    ])
    const started = Date.now()
    const first = await pollOnce(handler, resources)
    expect(first.ok).toBe(false)

    await sleep(1_500)
    expect(await receive(resources.sqs, resources.queueUrl)).toHaveLength(0) // not before
    const [again] = await receive(resources.sqs, resources.queueUrl, 1, 3)
    const elapsed = Date.now() - started
    expect(again).toBeDefined() // after 2 s, well before the queue's 30 s visibility timeout
    expect(elapsed).toBeGreaterThanOrEqual(1_900)
    expect(elapsed).toBeLessThan(5_000)
    expect(again!.Attributes!.ApproximateReceiveCount).toBe('2')
  })

  it('hides a transient failure at least as long as the handler asks (retryAfterSeconds), whatever the backoff', async () => {
    const resources = await createConsumerResources(aws.endpoint, { visibilityTimeout: 30 })
    let calls = 0
    const handler = consumer({
      name: 'projections',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      // Full jitter at its bottom: the backoff alone would show it again at once.
      random: () => 0,
      async handle() {
        calls++
        if (calls === 1) throw new TransientError('not recorded yet', { retryAfterSeconds: 3 })
      },
    })
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(orderPlaced('o-after')) },
    ])
    const started = Date.now()
    expect((await pollOnce(handler, resources)).ok).toBe(false)
    await sleep(2_000)
    expect(await receive(resources.sqs, resources.queueUrl)).toHaveLength(0) // not before 3 s
    const [again] = await receive(resources.sqs, resources.queueUrl, 1, 4)
    expect(again).toBeDefined()
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900)
  })

  it('stops taking records when the invocation is about to time out and reports them', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const handled: string[] = []
    const aborted: boolean[] = []
    const handler = consumer({
      name: 'notifications',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      concurrency: 1,
      deadlineMarginMs: 1_000,
      async handle(event, { signal }) {
        handled.push(event.payload.orderId)
        // Each record takes 400 ms; with 1.9 s left and a 1 s margin, two or three start.
        await new Promise((resolve) => setTimeout(resolve, 400))
        aborted.push(signal.aborted)
      },
    })
    await sendBodies(
      resources.sqs,
      resources.queueUrl,
      ['a', 'b', 'c', 'd', 'e'].map((id) => ({ body: JSON.stringify(orderPlaced(id)) })),
    )
    const invocation = await pollOnce(handler, resources, { remainingMs: 1_900 })
    if (!invocation.ok) throw invocation.error
    expect(handled.length).toBeGreaterThanOrEqual(2)
    expect(handled.length).toBeLessThanOrEqual(3)
    expect(invocation.response.batchItemFailures).toHaveLength(5 - handled.length)
    // A handler still running at the deadline sees its signal aborted.
    expect(aborted[0]).toBe(false)
    if (handled.length === 3) expect(aborted[2]).toBe(true)
  })

  // The operator-figures e2e test took 190 s in one CI run instead of 18-40 s: projections
  // met two copies of an order in one batch before the orders service had recorded it, the
  // first copy was retried after 2 s, and the later one waited out the queue's 180 s
  // visibility timeout.
  it('when the first of two copies in a batch is retried after a delay, the later one comes back with it, not after the visibility timeout', async () => {
    const resources = await createConsumerResources(aws.endpoint, { visibilityTimeout: 30 })
    let calls = 0
    const handler = consumer({
      name: 'projections',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      // No jitter on top of what the handler asks.
      random: () => 0,
      async handle() {
        calls++
        if (calls === 1) {
          throw new TransientError('order not recorded yet', { retryAfterSeconds: 2 })
        }
      },
    })
    const event = orderPlaced('o-copies')
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(event) },
      { body: JSON.stringify(event) },
    ])
    const started = Date.now()
    const first = await pollOnce(handler, resources)
    expect(first.messages).toHaveLength(2)
    // Neither copy succeeded: the whole batch failed.
    expect(first).toMatchObject({ ok: false, error: { name: 'BatchFailedError' } })
    expect(calls).toBe(1)

    // Both back after the 2 s the first copy was given, long before the 30 s visibility
    // timeout; then the first is processed and the later one skipped as its duplicate.
    let back = 0
    while (back < 2 && Date.now() - started < 10_000) {
      const again = await pollOnce(handler, resources, { waitTimeSeconds: 1 })
      if (!again.ok) throw again.error
      expect(again.response.batchItemFailures).toEqual([])
      back += again.messages.length
    }
    expect(back).toBe(2)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900)
    expect(calls).toBe(2)
    expect(await queueDepth(resources.sqs, resources.queueUrl)).toBe(0)
  })
})
