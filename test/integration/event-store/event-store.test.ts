import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { beforeAll, describe, expect, it } from 'vitest'
import type { EventEnvelope } from '../../../functions/catalogue/index.ts'
import {
  EventStore,
  InvalidStreamRequestError,
  WrongExpectedVersionError,
} from '../../../functions/event-store/index.ts'
import { toBusEvent } from '../../../functions/outbox-publisher/stored-event.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { cancelled, createEventsTable, documentClientFor, placed } from './fixture.ts'

const embedded = useEmbeddedAws()
let store: EventStore
let table: string
const client = () => documentClientFor(embedded.endpoint)

beforeAll(async () => {
  table = await createEventsTable(embedded.endpoint)
  store = new EventStore({ client: client(), eventsTable: table, pageSize: 2 })
})

const conflict = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(WrongExpectedVersionError)
  return error as WrongExpectedVersionError
}

describe('append', () => {
  it('starts a stream at version 1, several events in one append, stored as the outbox reads them', async () => {
    const events = [placed('o-1', '2026-05-01T10:00:00Z'), cancelled('o-1', '2026-05-01T11:00:00Z')]
    const result = await store.append('order-o-1', events, { expectedVersion: 'no-stream' })
    expect(result.nextExpectedVersion).toBe(2)
    expect(result.events.map((e) => [e.streamVersion, e.event.eventType])).toEqual([
      [1, 'order.placed'],
      [2, 'order.cancelled'],
    ])
    const items = await client().send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'order-o-1' },
      }),
    )
    expect(items.Items).toEqual([
      { pk: 'order-o-1', sk: 1, origin: 'decided', ...events[0] },
      { pk: 'order-o-1', sk: 2, origin: 'decided', ...events[1] },
    ])
    expect(items.Items!.map((item) => toBusEvent(item))).toEqual(events)
  })

  it('refuses each expected version that does not hold, naming the stream and both versions', async () => {
    await store.append('order-o-2', [placed('o-2', '2026-05-01T10:00:00Z')], {
      expectedVersion: 'no-stream',
    })
    const again = await conflict(
      store.append('order-o-2', [cancelled('o-2', '2026-05-01T11:00:00Z')], {
        expectedVersion: 'no-stream',
      }),
    )
    expect(again).toMatchObject({ streamId: 'order-o-2', expected: 'no-stream', actual: 1 })
    expect(again.message).toBe('stream order-o-2: expected no stream, but it is at version 1')

    const behind = await conflict(
      store.append('order-o-2', [cancelled('o-2', '2026-05-01T11:00:00Z')], { expectedVersion: 0 }),
    )
    expect(behind).toMatchObject({ expected: 0, actual: 1 })
    // Ahead of the stream: the put of version 4 alone would succeed and leave a gap.
    const ahead = await conflict(
      store.append('order-o-2', [cancelled('o-2', '2026-05-01T11:00:00Z')], { expectedVersion: 3 }),
    )
    expect(ahead.message).toBe('stream order-o-2: expected version 3, but it is at version 1')

    const missing = await conflict(
      store.append('order-none', [placed('none', '2026-05-01T10:00:00Z')], {
        expectedVersion: 'stream-exists',
      }),
    )
    expect(missing.message).toBe(
      'stream order-none: expected an existing stream, but it is at version 0 (no stream)',
    )
    expect(await store.readStream('order-o-2')).toHaveLength(1)
    expect(await store.readStream('order-none')).toEqual([])

    const exact = await store.append('order-o-2', [cancelled('o-2', '2026-05-01T11:00:00Z')], {
      expectedVersion: 1,
    })
    expect(exact.nextExpectedVersion).toBe(2)
    const exists = await store.append('order-o-2', [cancelled('o-2', '2026-05-01T12:00:00Z')], {
      expectedVersion: 'stream-exists',
    })
    expect(exists.nextExpectedVersion).toBe(3)
  })

  it('lets exactly one of several writers at the same version win; any-version writers all land, without gaps', async () => {
    await store.append('order-race', [placed('race', '2026-05-01T10:00:00Z')], {
      expectedVersion: 'no-stream',
    })
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        store.append('order-race', [cancelled('race', `2026-05-01T11:00:0${i}Z`)], {
          expectedVersion: 1,
        }),
      ),
    )
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      expect((o as PromiseRejectedResult).reason).toMatchObject({ expected: 1, actual: 2 })
    }

    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        store.append('order-any', [cancelled('any', `2026-05-01T11:00:0${i}Z`)], {
          expectedVersion: 'any',
        }),
      ),
    )
    const versions = (await store.readStream('order-any')).map((e) => e.streamVersion)
    expect(versions).toEqual([1, 2, 3, 4, 5])
  })

  it('is all or nothing: a conflict on a multi-event append writes none of it', async () => {
    await store.append('order-atomic', [placed('atomic', '2026-05-01T10:00:00Z')], {
      expectedVersion: 'no-stream',
    })
    await conflict(
      store.append(
        'order-atomic',
        [cancelled('atomic', '2026-05-01T11:00:00Z'), cancelled('atomic', '2026-05-01T12:00:00Z')],
        { expectedVersion: 'no-stream' },
      ),
    )
    expect(await store.readStream('order-atomic')).toHaveLength(1)
  })

  it('refuses invalid requests before writing, naming every problem', async () => {
    const event = placed('bad', '2026-05-01T10:00:00Z')
    const broken = { ...event, payload: { orderId: 'bad' } } as unknown as EventEnvelope
    const error = await store
      .append('', [event, event, broken], { expectedVersion: -1 as number })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidStreamRequestError)
    expect((error as InvalidStreamRequestError).problems).toEqual([
      'streamId must be a string of 1 to 1024 characters',
      "expectedVersion must be 'no-stream', 'stream-exists', 'any' or an integer ≥ 0 (got -1)",
      `events[1]: eventId ${event.eventId} repeats`,
      expect.stringMatching(
        /^events\[2\]: order.placed v1 event .* is invalid: payload.customerId/,
      ),
    ])
    await expect(store.append('order-empty', [], { expectedVersion: 'any' })).rejects.toThrow(
      /append to order-empty: events must not be empty/,
    )
  })

  it('prepares its writes for a caller to commit with its own in one transaction', async () => {
    const event = placed('tx', '2026-05-01T10:00:00Z')
    const prepared = await store.prepareAppend('order-tx', [event], {
      expectedVersion: 'no-stream',
      origin: 'recorded',
    })
    expect(prepared).toMatchObject({ streamVersion: 0, nextExpectedVersion: 1 })
    const own = { Put: { TableName: table, Item: { pk: 'other', sk: 1, note: 'mine' } } }
    await client().send(new TransactWriteCommand({ TransactItems: [...prepared.writes, own] }))
    expect((await store.readStream('order-tx'))[0]).toMatchObject({
      streamVersion: 1,
      origin: 'recorded',
      event,
    })
    // The same prepared writes again: the condition fails and the caller's write does not land.
    const replay = { Put: { ...own.Put, Item: { ...own.Put.Item, sk: 2 } } }
    await expect(
      client().send(new TransactWriteCommand({ TransactItems: [...prepared.writes, replay] })),
    ).rejects.toThrow(/ConditionalCheckFailed/)
    expect(
      (await client().send(new GetCommand({ TableName: table, Key: { pk: 'other', sk: 2 } }))).Item,
    ).toBeUndefined()
  })
})

describe('readStream and aggregateStream', () => {
  const stream = 'order-history'
  beforeAll(async () => {
    await store.append(
      stream,
      [
        placed('history', '2026-05-01T10:00:00Z', 'h-1'),
        cancelled('history', '2026-05-01T11:00:00Z', 'h-2'),
        cancelled('history', '2026-05-01T12:00:00+02:00', 'h-3'), // 10:00Z
        cancelled('history', '2026-05-01T13:00:00Z', 'h-4'),
        cancelled('history', '2026-05-01T14:00:00Z', 'h-5'),
      ],
      { expectedVersion: 'no-stream' },
    )
  })
  const ids = (events: { event: { eventId: string } }[]) => events.map((e) => e.event.eventId)

  it('reads every page in version order, a version range, or what happened by a time', async () => {
    expect(ids(await store.readStream(stream))).toEqual(['h-1', 'h-2', 'h-3', 'h-4', 'h-5'])
    expect(ids(await store.readStream(stream, { fromVersion: 2, toVersion: 4 }))).toEqual([
      'h-2',
      'h-3',
      'h-4',
    ])
    // Times compare as instants, whatever their offset.
    expect(ids(await store.readStream(stream, { asOf: '2026-05-01T10:30:00Z' }))).toEqual([
      'h-1',
      'h-3',
    ])
    expect(await store.readStream(stream, { fromVersion: 9 })).toEqual([])
    await expect(store.readStream(stream, { asOf: 'yesterday' })).rejects.toThrow(
      /asOf must be a valid time \(got yesterday\)/,
    )
  })

  it('folds the state as of a version or a time with a decider', async () => {
    const trail = {
      initialState: (): string[] => [],
      evolve: (state: string[], event: EventEnvelope) => [...state, event.eventId],
    }
    expect(await store.aggregateStream(trail, stream)).toMatchObject({
      state: ['h-1', 'h-2', 'h-3', 'h-4', 'h-5'],
      streamVersion: 5,
    })
    expect(await store.aggregateStream(trail, stream, { asOfVersion: 2 })).toMatchObject({
      state: ['h-1', 'h-2'],
      streamVersion: 2,
    })
    expect(
      await store.aggregateStream(trail, stream, { asOfTime: new Date('2026-05-01T11:30:00Z') }),
    ).toMatchObject({ state: ['h-1', 'h-2', 'h-3'], streamVersion: 3 })
    expect(await store.aggregateStream(trail, 'order-nothing')).toMatchObject({
      state: [],
      streamVersion: 0,
    })
  })
})
