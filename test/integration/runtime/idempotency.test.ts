import { randomUUID } from 'node:crypto'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import { OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { consumer, IdempotencyStore, LeaseLostError } from '../../../functions/runtime/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderPlaced } from './events.ts'
import {
  createConsumerResources,
  lambdaContext,
  pollOnce,
  queueDepth,
  receive,
  sendBodies,
  settingsFor,
  toSqsEvent,
} from './fixture.ts'

const aws = useEmbeddedAws()

/** A clock tests move by hand, epoch ms. */
function manualClock(start = Date.now()) {
  let now = start
  return { now: () => now, advance: (seconds: number) => (now += seconds * 1000) }
}

describe('duplicates', () => {
  it('processes an event delivered twice, one after the other, once', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const calls: string[] = []
    const handler = consumer({
      name: 'payments',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      async handle(event) {
        calls.push(event.eventId)
      },
    })
    const event = orderPlaced('o-1')
    for (let i = 0; i < 2; i++) {
      await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(event) }])
      const invocation = await pollOnce(handler, resources)
      expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    }
    expect(calls).toEqual([event.eventId])
    expect(await queueDepth(resources.sqs, resources.queueUrl)).toBe(0)
  })

  it('keys by consumer: another consumer processes the same event too', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const calls: string[] = []
    const make = (name: string) =>
      consumer({
        name,
        events: { 'order.placed': OrderPlacedV1 },
        ...settingsFor(resources),
        async handle() {
          calls.push(name)
        },
      })
    const event = orderPlaced('o-2')
    for (const handler of [make('payments'), make('inventory')]) {
      await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(event) }])
      await pollOnce(handler, resources)
    }
    expect(calls).toEqual(['payments', 'inventory'])
  })

  it('processes concurrent duplicates once; the other is retried when the lease ends, then skipped', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    let calls = 0
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let started!: () => void
    const running = new Promise<void>((resolve) => {
      started = resolve
    })
    const handler = consumer({
      name: 'payments',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      leaseSeconds: 5,
      async handle() {
        calls++
        started()
        await gate
      },
    })
    const event = orderPlaced('o-3')
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(event) },
      { body: JSON.stringify(event) },
    ])
    const messages = await receive(resources.sqs, resources.queueUrl)
    expect(messages).toHaveLength(2)
    // Two invocations at once, one copy each (Lambda runs batches concurrently).
    const first = handler(toSqsEvent([messages[0]!], resources.queueArn), lambdaContext())
    await running
    const refusedAt = Date.now()
    const second = await handler(
      toSqsEvent([messages[1]!], resources.queueArn),
      lambdaContext(),
    ).then(
      () => 'resolved',
      (error: Error) => error.name,
    )
    expect(second).toBe('BatchFailedError') // its only record is retried later
    release()
    await expect(first).resolves.toEqual({ batchItemFailures: [] })
    expect(calls).toBe(1)

    // The retried copy is hidden until the lease would have ended (4 to 5 s on), not for
    // a fixed second, then is a duplicate.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, refusedAt + 2_500 - Date.now())))
    expect(await receive(resources.sqs, resources.queueUrl)).toHaveLength(0)
    const again = await pollOnce(handler, resources, { waitTimeSeconds: 5 })
    expect(again).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(again.messages).toHaveLength(1)
    expect(calls).toBe(1)
  })

  it('processes two copies in one batch once and acknowledges both', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    let calls = 0
    const handler = consumer({
      name: 'payments',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      async handle() {
        calls++
        await new Promise((resolve) => setTimeout(resolve, 50))
      },
    })
    const event = orderPlaced('o-4')
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(event) },
      { body: JSON.stringify(event) },
      { body: JSON.stringify(orderPlaced('o-5')) },
    ])
    const invocation = await pollOnce(handler, resources)
    if (!invocation.ok) throw invocation.error
    expect(invocation.response.batchItemFailures).toEqual([])
    expect(calls).toBe(2) // o-4 once, o-5 once
    expect(await queueDepth(resources.sqs, resources.queueUrl)).toBe(0)
  })
})

describe('batched idempotency writes', () => {
  it('takes a batch in one transaction; a completed and a held event in it are sorted out', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const calls: string[] = []
    const handler = consumer({
      name: 'payments',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      async handle(event) {
        calls.push(event.payload.orderId)
      },
    })
    const done = orderPlaced('done')
    const held = orderPlaced('held')
    await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(done) }])
    await pollOnce(handler, resources)
    const store = new IdempotencyStore({
      dynamodb: resources.dynamodb,
      tableName: resources.table,
      dedupeWindowSeconds: 60,
      now: Date.now,
      newOwner: randomUUID,
    })
    expect((await store.acquire(`payments#${held.eventId}`, 60)).status).toBe('acquired')

    let requests = 0
    resources.dynamodb.middlewareStack.add(
      (next) => async (args) => {
        requests++
        return next(args)
      },
      { step: 'finalizeRequest', name: 'countForTest' },
    )
    const fresh = ['f1', 'f2', 'f3'].map((id) => orderPlaced(id))
    await sendBodies(
      resources.sqs,
      resources.queueUrl,
      [done, held, ...fresh].map((e) => ({ body: JSON.stringify(e) })),
    )
    const invocation = await pollOnce(handler, resources)
    resources.dynamodb.middlewareStack.remove('countForTest')
    if (!invocation.ok) throw invocation.error
    const heldMessage = invocation.messages.find((m) => m.Body!.includes('"orderId":"held"'))
    expect(invocation.response.batchItemFailures).toEqual([
      { itemIdentifier: heldMessage!.MessageId },
    ])
    expect(calls.sort()).toEqual(['done', 'f1', 'f2', 'f3'])
    // Acquire: a cancelled transaction naming the two held records, then one for the
    // three fresh ones; complete: one transaction.
    expect(requests).toBe(3)
  })

  it('writes one record at a time when batching is off: two requests a record', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const handler = consumer({
      name: 'payments',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      batchIdempotencyWrites: false,
      async handle() {},
    })
    await sendBodies(
      resources.sqs,
      resources.queueUrl,
      ['a', 'b', 'c'].map((id) => ({ body: JSON.stringify(orderPlaced(id)) })),
    )
    const operations: string[] = []
    resources.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        operations.push(context.commandName as string)
        return next(args)
      },
      { step: 'initialize', name: 'recordForTest' },
    )
    const invocation = await pollOnce(handler, resources)
    resources.dynamodb.middlewareStack.remove('recordForTest')
    expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(operations).toEqual(Array(6).fill('UpdateItemCommand'))
  })
})

describe('leases', () => {
  it('lets a new owner take an expired lease; the stale owner can neither complete nor release', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const clock = manualClock()
    const store = new IdempotencyStore({
      dynamodb: resources.dynamodb,
      tableName: resources.table,
      dedupeWindowSeconds: 3600,
      now: clock.now,
      newOwner: randomUUID,
    })
    const key = `inventory#${randomUUID()}`
    const stale = await store.acquire(key, 10)
    expect(stale.status).toBe('acquired')
    expect(await store.acquire(key, 10)).toMatchObject({ status: 'in-progress' })

    clock.advance(11)
    const fresh = await store.acquire(key, 10)
    expect(fresh.status).toBe('acquired')
    if (stale.status !== 'acquired' || fresh.status !== 'acquired') return
    await expect(store.complete(stale.lock)).rejects.toThrow(LeaseLostError)
    await expect(store.release(stale.lock)).rejects.toThrow(
      /cannot release inventory#.*: the lease was taken over by another owner/,
    )
    await store.complete(fresh.lock)
    expect(await store.acquire(key, 10)).toEqual({ status: 'completed' })
  })

  it('forgets a completed event after the dedupe window', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const clock = manualClock()
    const store = new IdempotencyStore({
      dynamodb: resources.dynamodb,
      tableName: resources.table,
      dedupeWindowSeconds: 60,
      now: clock.now,
      newOwner: randomUUID,
    })
    const key = `inventory#${randomUUID()}`
    const first = await store.acquire(key, 10)
    if (first.status !== 'acquired') throw new Error('not acquired')
    await store.complete(first.lock)
    clock.advance(59)
    expect(await store.acquire(key, 10)).toEqual({ status: 'completed' })
    clock.advance(2)
    expect((await store.acquire(key, 10)).status).toBe('acquired')
  })

  it('takes over a released record and keeps its failure history', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const clock = manualClock()
    const store = new IdempotencyStore({
      dynamodb: resources.dynamodb,
      tableName: resources.table,
      dedupeWindowSeconds: 60,
      now: clock.now,
      newOwner: randomUUID,
    })
    const key = `inventory#${randomUUID()}`
    const first = await store.acquire(key, 10)
    if (first.status !== 'acquired') throw new Error('not acquired')
    const firstFailure = await store.release(first.lock)
    if (firstFailure === 'completed') throw new Error('released, not completed')
    clock.advance(5)
    const second = await store.acquire(key, 10)
    if (second.status !== 'acquired') throw new Error('not acquired')
    expect(await store.release(second.lock)).toEqual({
      firstFailureAt: firstFailure.firstFailureAt,
      failures: 2,
    })
  })

  it('reports a handler that outlived its lease as a failure, and the new owner completes', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const clock = manualClock()
    const calls: string[] = []
    let proceed!: () => void
    const gate = new Promise<void>((resolve) => {
      proceed = resolve
    })
    let started!: () => void
    const running = new Promise<void>((resolve) => {
      started = resolve
    })
    const make = (name: string, wait: boolean) =>
      consumer({
        name: 'inventory',
        events: { 'order.placed': OrderPlacedV1 },
        ...settingsFor(resources),
        leaseSeconds: 5,
        now: clock.now,
        async handle() {
          calls.push(name)
          if (wait) {
            started()
            await gate
          }
        },
      })
    const event = orderPlaced('o-lease')
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(event) },
      { body: JSON.stringify(event) },
    ])
    const [a, b] = await receive(resources.sqs, resources.queueUrl)
    const stale = make('stale', true)(toSqsEvent([a!], resources.queueArn), lambdaContext())
    await running
    clock.advance(6)
    await expect(
      make('fresh', false)(toSqsEvent([b!], resources.queueArn), lambdaContext()),
    ).resolves.toEqual({ batchItemFailures: [] })
    proceed()
    await expect(stale).rejects.toThrow(/all 1 record\(s\) of the batch failed/)
    expect(calls).toEqual(['stale', 'fresh'])
  })
})

describe('acquisition failures', () => {
  const storeFor = (resources: { dynamodb: DynamoDBClient; table: string }, batchWrites = true) =>
    new IdempotencyStore({
      dynamodb: resources.dynamodb,
      tableName: resources.table,
      dedupeWindowSeconds: 60,
      now: Date.now,
      newOwner: randomUUID,
      batchWrites,
    })

  /** Makes the `nth` request of `command` (counting from 1) fail before it is sent. */
  function failRequest(dynamodb: DynamoDBClient, command: string, nth: number) {
    let seen = 0
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === command && ++seen === nth) {
          throw Object.assign(new Error('injected failure'), { name: 'InjectedError' })
        }
        return next(args)
      },
      { step: 'initialize', name: 'failForTest' },
    )
    return () => dynamodb.middlewareStack.remove('failForTest')
  }

  it('gives back the leases of earlier transactions when a later one fails', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const keys = Array.from({ length: 150 }, (_, i) => `payments#${i}-${randomUUID()}`)
    const restore = failRequest(resources.dynamodb, 'TransactWriteItemsCommand', 2)
    await expect(storeFor(resources).acquireMany(keys, 60)).rejects.toThrow('injected failure')
    restore()
    // The first 100 were taken, then the second transaction failed: none stays held.
    const again = await storeFor(resources).acquireMany(keys, 60)
    expect([...again.values()].filter((a) => a.status !== 'acquired')).toEqual([])
  })

  it('gives back the leases taken one at a time when another fails', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const keys = ['a', 'b', 'c'].map((id) => `payments#${id}-${randomUUID()}`)
    const restore = failRequest(resources.dynamodb, 'UpdateItemCommand', 2)
    await expect(storeFor(resources, false).acquireMany(keys, 60)).rejects.toThrow(
      'injected failure',
    )
    restore()
    const again = await storeFor(resources, false).acquireMany(keys, 60)
    expect([...again.values()].map((a) => a.status)).toEqual(['acquired', 'acquired', 'acquired'])
  })

  it('takes its own lease when the SDK retried an acquire whose response was lost', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    let sent = 0
    // Inside the SDK's retries: the write lands, then its response is lost once.
    resources.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const first = context.commandName === 'UpdateItemCommand' && sent++ === 0
        const output = await next(args)
        if (first) {
          throw Object.assign(new Error('the response was lost'), { name: 'TimeoutError' })
        }
        return output
      },
      { step: 'finalizeRequest', priority: 'low', name: 'loseResponseForTest' },
    )
    const key = `payments#${randomUUID()}`
    const acquisition = await storeFor(resources).acquire(key, 60)
    resources.dynamodb.middlewareStack.remove('loseResponseForTest')
    expect(sent).toBe(2) // the SDK sent the write again
    expect(acquisition.status).toBe('acquired')
    if (acquisition.status !== 'acquired') return
    await storeFor(resources).complete(acquisition.lock)
    expect(await storeFor(resources).acquire(key, 60)).toEqual({ status: 'completed' })
  })

  it('takes its own leases when a transaction is retried after its token expired', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    let sent = 0
    // The transaction lands, its response is lost, and it is sent again under a token
    // DynamoDB no longer remembers (10 minutes on): the retry is cancelled on our leases.
    resources.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'TransactWriteItemsCommand' || sent++ > 0) return next(args)
        const request = args.request as { body: string }
        await next(args)
        const body = JSON.parse(request.body) as { ClientRequestToken: string }
        const retry = {
          ...request,
          body: JSON.stringify({ ...body, ClientRequestToken: randomUUID() }),
        }
        return next({ ...args, request: retry })
      },
      { step: 'finalizeRequest', priority: 'low', name: 'resendForTest' },
    )
    const keys = ['a', 'b'].map((id) => `payments#${id}-${randomUUID()}`)
    const acquisitions = await storeFor(resources).acquireMany(keys, 60)
    resources.dynamodb.middlewareStack.remove('resendForTest')
    expect(sent).toBe(1)
    expect([...acquisitions.values()].map((a) => a.status)).toEqual(['acquired', 'acquired'])
    const locks = [...acquisitions.values()].flatMap((a) =>
      a.status === 'acquired' ? [a.lock] : [],
    )
    expect([...(await storeFor(resources).completeMany(locks)).values()]).toEqual([
      'completed',
      'completed',
    ])
  })
})
