import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  createEvent,
  type EventEnvelope,
  OrderCancelledV1,
} from '../../../functions/catalogue/index.ts'
import { EventStore, prepareDecision } from '../../../functions/event-store/index.ts'
import { consumer } from '../../../functions/runtime/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import {
  addedV1,
  addedV2,
  addedV3,
  at,
  quantityFold,
  TallyAddedV3,
  tallyVersions,
} from '../../support/tally-versions.ts'
import { createConsumerResources, pollOnce, sendBodies, settingsFor } from '../runtime/fixture.ts'
import { createEventsTable, createSnapshotsTable, documentClientFor } from './fixture.ts'

const embedded = useEmbeddedAws()
let store: EventStore
let eventsTable: string
const client = () => documentClientFor(embedded.endpoint)
const rawItems = async (streamId: string) =>
  (
    await client().send(
      new QueryCommand({
        TableName: eventsTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': streamId },
      }),
    )
  ).Items ?? []

beforeAll(async () => {
  eventsTable = await createEventsTable(embedded.endpoint)
  store = new EventStore({
    client: client(),
    eventsTable,
    snapshotsTable: await createSnapshotsTable(embedded.endpoint),
    definitions: tallyVersions,
  })
  // Written over time by producers of each version: the store keeps what each appended.
  await store.append('tally-mixed', [addedV1(2, 'm-1', 1)], { expectedVersion: 'no-stream' })
  await store.append('tally-mixed', [addedV2(1, 'dozen', 'm-2', 2)], { expectedVersion: 1 })
  await store.append('tally-mixed', [addedV3(5, 'm-3', 3), addedV1(1, 'm-4', 4)], {
    expectedVersion: 2,
  })
})

describe('upcasting in the event store', () => {
  it('reads every event at the newest version, and never rewrites the stored one', async () => {
    const events = await store.readStream('tally-mixed')
    expect(events.map((r) => [r.event.eventId, r.event.version, r.event.payload])).toEqual([
      ['m-1', 3, { quantity: 2 }],
      ['m-2', 3, { quantity: 12 }],
      ['m-3', 3, { quantity: 5 }],
      ['m-4', 3, { quantity: 1 }],
    ])
    // The envelope is the stored one's, but for the version.
    expect(events[0]!.event).toEqual({
      ...addedV1(2, 'm-1', 1),
      version: 3,
      payload: { quantity: 2 },
    })
    const items = await rawItems('tally-mixed')
    expect(items.map((item) => [item.version, item.payload])).toEqual([
      [1, { amount: 2 }],
      [2, { amount: 1, unit: 'dozen' }],
      [3, { quantity: 5 }],
      [1, { amount: 1 }],
    ])
  })

  it('folds upcast events in aggregate reads, as of a version and as of a time', async () => {
    expect(await store.aggregateStream(quantityFold, 'tally-mixed')).toMatchObject({
      state: 20,
      streamVersion: 4,
    })
    expect(
      (await store.aggregateStream(quantityFold, 'tally-mixed', { asOfVersion: 2 })).state,
    ).toBe(14)
    const byTime = await store.aggregateStream(quantityFold, 'tally-mixed', { asOfTime: at(2) })
    expect(byTime.events.map((r) => r.event.version)).toEqual([3, 3])
    expect(byTime.state).toBe(14)
  })

  it('decides and snapshots on upcast state; a snapshot read equals a replay', async () => {
    const decider = {
      ...quantityFold,
      decide: (command: { quantity: number; eventId: string }, _state: number) => [
        addedV3(command.quantity, command.eventId, 5),
      ],
    }
    const snapshots = { schemaVersion: 1, every: 5 }
    const decision = await prepareDecision(
      store,
      decider,
      'tally-mixed',
      { quantity: 4, eventId: 'm-5' },
      { snapshots },
    )
    expect(decision).toMatchObject({ stateBefore: 20, state: 24, snapshotVersion: 5 })
    await client().send(new TransactWriteCommand({ TransactItems: decision.writes }))
    const fromSnapshot = await store.aggregateStream(quantityFold, 'tally-mixed', { snapshots })
    expect(fromSnapshot).toMatchObject({ state: 24, snapshot: { status: 'used', version: 5 } })
    expect((await store.aggregateStream(quantityFold, 'tally-mixed')).state).toBe(24)
    expect((await rawItems('tally-mixed'))[0]).toMatchObject({ version: 1, payload: { amount: 2 } })
  })
})

describe('the catalogue’s own upcast', () => {
  it('stores a v1 order.cancelled as written and reads it as v2', async () => {
    const catalogueStore = new EventStore({ client: client(), eventsTable })
    const v1 = createEvent(
      OrderCancelledV1,
      { orderId: 'o-up', reason: 'changed mind' },
      { source: 'shop', eventId: 'cancel-v1', timestamp: at(0) },
    )
    await catalogueStore.append('order-o-up', [v1], { expectedVersion: 'no-stream' })
    expect((await catalogueStore.readStream('order-o-up')).map((r) => r.event)).toEqual([
      { ...v1, version: 2, payload: { ...v1.payload, cancelledBy: 'customer' } },
    ])
    const [raw] = await rawItems('order-o-up')
    expect([raw?.version, raw?.payload]).toEqual([1, v1.payload])
  })
})

describe('upcasting at the bus edge', () => {
  it('hands a consumer of v3 a v1 event from the queue as v3 (tolerant reader)', async () => {
    const resources = await createConsumerResources(embedded.endpoint)
    const seen: EventEnvelope[] = []
    const handler = consumer({
      name: 'tally-reader',
      events: { 'tally.added': TallyAddedV3 },
      ...settingsFor(resources),
      async handle(event) {
        seen.push(event)
      },
    })
    const v1 = addedV1(7, 'bus-1')
    await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(v1) }])
    expect(await pollOnce(handler, resources)).toMatchObject({
      ok: true,
      response: { batchItemFailures: [] },
    })
    expect(seen).toEqual([{ ...v1, version: 3, payload: { quantity: 7 } }])
  })
})
