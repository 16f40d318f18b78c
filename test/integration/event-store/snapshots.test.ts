import { PutCommand, QueryCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  EventStore,
  prepareDecision,
  type SnapshotPolicy,
} from '../../../functions/event-store/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { type TallyState, tallyDecider, tallyDefinitions } from '../../support/tally.ts'
import {
  countRequests,
  createEventsTable,
  createSnapshotsTable,
  documentClientFor,
} from './fixture.ts'

const embedded = useEmbeddedAws()
const now = new Date('2026-05-01T10:00:00Z')
const snapshots: SnapshotPolicy<TallyState> = { schemaVersion: 1, every: 10 }
let eventsTable: string
let snapshotsTable: string
const client = () => documentClientFor(embedded.endpoint)
/** A store on a client of its own, whose requests are counted. */
const countedStore = () => {
  const counted = client()
  const counter = countRequests(counted)
  const store = new EventStore({
    client: counted,
    eventsTable,
    snapshotsTable,
    definitions: tallyDefinitions,
    pageSize: 5,
  })
  return { store, ...counter }
}

/** Decides `count` additions on a stream, committing each decision's writes. */
async function grow(streamId: string, count: number, policy = snapshots) {
  const store = new EventStore({
    client: client(),
    eventsTable,
    snapshotsTable,
    definitions: tallyDefinitions,
  })
  const from = await store.streamVersion(streamId)
  for (let i = from + 1; i <= from + count; i++) {
    const decision = await prepareDecision(
      store,
      tallyDecider,
      streamId,
      { amount: i, eventId: `${streamId}-${i}`, now },
      { snapshots: policy },
    )
    await client().send(new TransactWriteCommand({ TransactItems: decision.writes }))
  }
}

const snapshotItems = async (streamId: string) =>
  (
    await client().send(
      new QueryCommand({
        TableName: snapshotsTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': streamId },
      }),
    )
  ).Items ?? []

/** Overwrites the stream's latest snapshot with some of its attributes changed. */
async function tamper(streamId: string, change: Record<string, unknown>) {
  const latest = (await snapshotItems(streamId)).at(-1)!
  await client().send(new PutCommand({ TableName: snapshotsTable, Item: { ...latest, ...change } }))
}

beforeAll(async () => {
  eventsTable = await createEventsTable(embedded.endpoint)
  snapshotsTable = await createSnapshotsTable(embedded.endpoint)
})

describe('snapshots', () => {
  it('reads the same state with a snapshot as without, reading only the events after it', async () => {
    await grow('tally-long', 47)
    expect((await snapshotItems('tally-long')).map((item) => item.sk)).toEqual([10, 20, 30, 40])

    const { store, requests, reset } = countedStore()
    const replayed = await store.aggregateStream(tallyDecider, 'tally-long')
    expect(requests).toHaveLength(10) // 47 events in pages of 5
    reset()
    const fromSnapshot = await store.aggregateStream(tallyDecider, 'tally-long', { snapshots })
    expect(fromSnapshot.state).toEqual(replayed.state)
    expect(fromSnapshot).toMatchObject({
      streamVersion: 47,
      snapshot: { status: 'used', version: 40 },
    })
    expect(fromSnapshot.events.map((e) => e.streamVersion)).toEqual([41, 42, 43, 44, 45, 46, 47])
    // The snapshot, then the stream from the snapshot's version (checked) on: not from 1.
    expect(requests.map((r) => r.name)).toEqual(['Query', 'Query', 'Query'])
    expect(requests[0]!.input.TableName).toBe(snapshotsTable)
    // (8 items in pages of 5: the second page goes on from the first's last key.)
    expect(
      requests.slice(1).map((r) => (r.input.ExpressionAttributeValues as never)[':from']),
    ).toEqual([40, 40])
  })

  it('uses the latest snapshot at or before a version, and none for a time', async () => {
    const { store } = countedStore()
    const asOf25 = await store.aggregateStream(tallyDecider, 'tally-long', {
      snapshots,
      asOfVersion: 25,
    })
    expect(asOf25).toMatchObject({ streamVersion: 25, snapshot: { status: 'used', version: 20 } })
    expect(asOf25.state).toEqual(
      (await store.aggregateStream(tallyDecider, 'tally-long', { asOfVersion: 25 })).state,
    )
    const byTime = await store.aggregateStream(tallyDecider, 'tally-long', {
      snapshots,
      asOfTime: now,
    })
    expect(byTime).toMatchObject({ streamVersion: 47, snapshot: { status: 'none' } })
  })

  it('replays a stream with no snapshot yet, or without a snapshots table', async () => {
    await grow('tally-short', 4)
    const { store } = countedStore()
    const read = await store.aggregateStream(tallyDecider, 'tally-short', { snapshots })
    expect(read).toMatchObject({
      streamVersion: 4,
      state: { total: 10 },
      snapshot: { status: 'none' },
    })
    const noTable = new EventStore({ client: client(), eventsTable, definitions: tallyDefinitions })
    expect(await noTable.aggregateStream(tallyDecider, 'tally-long', { snapshots })).toMatchObject({
      streamVersion: 47,
      snapshot: { status: 'none' },
    })
  })

  it.each([
    [
      'of another state schema version',
      { schemaVersion: 2 },
      /state schema version is 2; the aggregate's is 1/,
    ],
    ['whose state is not JSON', { state: '{"total": 8' }, /its state does not decode/],
    ['without a state', { state: 7 }, /it has no state/],
    ['without its last event id', { lastEventId: undefined }, /it has no lastEventId/],
    [
      'taken after another event (a stale history)',
      { lastEventId: 'other' },
      /event 10 is s-\w+-10, not other/,
    ],
    ['ahead of the stream', { sk: 12 }, /the stream has no event 12/],
  ])('ignores a snapshot %s and replays', async (_, change, reason) => {
    const streamId = `s-${Math.random().toString(36).slice(2, 8)}`
    await grow(streamId, 11)
    const expected = (
      await new EventStore({
        client: client(),
        eventsTable,
        definitions: tallyDefinitions,
      }).aggregateStream(tallyDecider, streamId)
    ).state
    await tamper(streamId, change)
    const { store } = countedStore()
    const read = await store.aggregateStream(tallyDecider, streamId, { snapshots })
    expect(read.snapshot).toMatchObject({
      status: 'ignored',
      reason: expect.stringMatching(reason),
    })
    expect(read.state).toEqual(expected)
    expect(read.streamVersion).toBe(11)
  })

  it('ignores a snapshot the aggregate cannot decode', async () => {
    const strict: SnapshotPolicy<TallyState> = {
      ...snapshots,
      fromSnapshot: (data) => {
        const state = data as TallyState
        if (!Array.isArray(state.eventIds)) throw new Error('eventIds is not an array')
        return state
      },
    }
    await tamper('tally-long', { state: JSON.stringify({ total: 1 }) })
    const { store } = countedStore()
    const read = await store.aggregateStream(tallyDecider, 'tally-long', { snapshots: strict })
    expect(read.snapshot).toMatchObject({
      status: 'ignored',
      version: 40,
      reason: 'its state does not decode: eventIds is not an array',
    })
    expect(read.state.total).toBe((47 * 48) / 2)
  })

  it('takes a new snapshot after a replay, once `every` events follow the last one used', async () => {
    // The aggregate's state changed shape: every old snapshot is ignored, and the next
    // decision snapshots the whole stream again.
    const next: SnapshotPolicy<TallyState> = { schemaVersion: 2, every: 10 }
    await grow('tally-long', 1, next)
    const latest = (await snapshotItems('tally-long')).at(-1)
    expect(latest).toMatchObject({ sk: 48, schemaVersion: 2, lastEventId: 'tally-long-48' })
    const { store } = countedStore()
    expect(
      await store.aggregateStream(tallyDecider, 'tally-long', { snapshots: next }),
    ).toMatchObject({
      snapshot: { status: 'used', version: 48 },
      state: { total: (48 * 49) / 2 },
    })
  })

  it('is never read as an event: streams and the events table hold events only', async () => {
    const { store } = countedStore()
    const events = await store.readStream('tally-long')
    expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 48 }, (_, i) => i + 1))
    const scan = await client().send(new ScanCommand({ TableName: eventsTable }))
    expect(
      scan.Items?.every((item) => typeof item.eventId === 'string' && !('state' in item)),
    ).toBe(true)
    expect(await store.streamVersion('tally-long')).toBe(48)
  })

  it('refuses a policy that is not one', async () => {
    const { store } = countedStore()
    await expect(
      store.aggregateStream(tallyDecider, 'tally-long', {
        snapshots: { schemaVersion: 0, every: 0.5 },
      }),
    ).rejects.toThrow(
      'read of tally-long: snapshots.schemaVersion must be an integer ≥ 1 (got 0); snapshots.every must be an integer ≥ 1 (got 0.5)',
    )
  })
})
