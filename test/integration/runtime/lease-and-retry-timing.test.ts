import { GetItemCommand } from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import { IDEMPOTENCY_STATUS, idempotencyKey } from '../../../contracts/idempotency-table.ts'
import { OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { consumer, IdempotencyStore, TransientError } from '../../../functions/runtime/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderPlaced } from './events.ts'
import {
  type ConsumerResources,
  createConsumerResources,
  pollOnce,
  receive,
  sendBodies,
  settingsFor,
} from './fixture.ts'

// When a record comes back and how long its lease holds: what a plausible off-by-one or a
// forgotten argument would change while every other test still passed.

const aws = useEmbeddedAws()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function idempotencyRecord(
  resources: ConsumerResources,
  consumerName: string,
  eventId: string,
) {
  const { Item } = await resources.dynamodb.send(
    new GetItemCommand({
      TableName: resources.table,
      Key: { id: { S: idempotencyKey(consumerName, eventId) } },
      ConsistentRead: true,
    }),
  )
  return Item
}

describe('leases', () => {
  it('lasts the invocation’s remaining time when no lease is configured', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const event = orderPlaced('o-remaining')
    let leaseLeft: number | undefined
    const handler = consumer({
      name: 'payments',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      async handle() {
        const record = await idempotencyRecord(resources, 'payments', event.eventId)
        leaseLeft = Number(record?.leaseExpiresAt?.N) - Date.now() / 1000
      },
    })
    await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(event) }])
    const invocation = await pollOnce(handler, resources, { remainingMs: 7_000 })
    expect(invocation.ok).toBe(true)
    // 7 s left of the invocation, rounded up to whole seconds; not the 60 s fallback.
    expect(leaseLeft).toBeGreaterThan(5)
    expect(leaseLeft).toBeLessThanOrEqual(8)
  })

  it('goes to a new owner at the very second the lease ends, not a second later', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const at = (seconds: number) =>
      new IdempotencyStore({
        dynamodb: resources.dynamodb,
        tableName: resources.table,
        dedupeWindowSeconds: 3600,
        now: () => seconds * 1000,
        newOwner: () => `owner-at-${seconds}`,
      })
    const start = Math.floor(Date.now() / 1000)
    const first = await at(start).acquire('payments#e-expiry', 5)
    expect(first).toMatchObject({ status: 'acquired', lock: { leaseExpiresAt: start + 5 } })
    expect(await at(start + 4).acquire('payments#e-expiry', 5)).toEqual({
      status: 'in-progress',
      leaseExpiresAt: start + 5,
    })
    expect(await at(start + 5).acquire('payments#e-expiry', 5)).toMatchObject({
      status: 'acquired',
      lock: { owner: `owner-at-${start + 5}` },
    })
  })

  it('gives back at once the leases of records it never started', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const events = ['a', 'b', 'c', 'd'].map((id) => orderPlaced(`o-unstarted-${id}`))
    const handled: string[] = []
    const handler = consumer({
      name: 'payments',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      concurrency: 1,
      deadlineMarginMs: 1_000,
      async handle(event) {
        handled.push(event.eventId)
        await sleep(600)
      },
    })
    await sendBodies(
      resources.sqs,
      resources.queueUrl,
      events.map((event) => ({ body: JSON.stringify(event) })),
    )
    // 1.5 s left, 1 s margin, 600 ms a record: one or two start, the others never do.
    const invocation = await pollOnce(handler, resources, { remainingMs: 1_500 })
    if (!invocation.ok) throw invocation.error
    const unstarted = events.filter((event) => !handled.includes(event.eventId))
    expect(unstarted.length).toBeGreaterThanOrEqual(2)
    for (const event of unstarted) {
      const record = await idempotencyRecord(resources, 'payments', event.eventId)
      // Released without a failure counted: the next receive takes it without waiting.
      expect(record?.status?.S).toBe(IDEMPOTENCY_STATUS.released)
      expect(record?.failures).toBeUndefined()
      expect(record?.leaseExpiresAt).toBeUndefined()
    }
  })
})

describe('retry delays', () => {
  it('grows the backoff with the receive count', async () => {
    const resources = await createConsumerResources(aws.endpoint, {
      visibilityTimeout: 1,
      maxReceiveCount: 5,
    })
    const handler = consumer({
      name: 'payments',
      events: { 'order.placed': OrderPlacedV1 },
      ...settingsFor(resources),
      backoffBaseSeconds: 1,
      // Full jitter at its top: the whole ceiling, base × 2^(receive - 1).
      random: () => 0.999,
      async handle() {
        throw new TransientError('card provider busy')
      },
    })
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(orderPlaced('o-backoff')) },
    ])
    // Two receives that time out unprocessed, so the handler first runs on receive 3.
    for (let i = 0; i < 2; i++) {
      expect(await receive(resources.sqs, resources.queueUrl, 1, 3)).toHaveLength(1)
    }
    const third = await pollOnce(handler, resources, { waitTimeSeconds: 3 })
    expect(third.messages[0]?.Attributes?.ApproximateReceiveCount).toBe('3')
    const failedAt = Date.now()
    // Receive 3 waits 4 s (1 s would be receive 1's delay).
    await sleep(Math.max(0, failedAt + 2_500 - Date.now()))
    expect(await receive(resources.sqs, resources.queueUrl)).toHaveLength(0)
    const [again] = await receive(resources.sqs, resources.queueUrl, 1, 4)
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('4')
  })
})
