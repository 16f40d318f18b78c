import { randomUUID } from 'node:crypto'
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { beforeAll, describe, expect, it } from 'vitest'
import { EventStore, prepareDecision } from '../../../functions/event-store/index.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { tallyAdded, tallyDecider, tallyDefinitions } from '../../support/tally.ts'
import { createEventsTable, createSnapshotsTable, documentClientFor } from './fixture.ts'

const embedded = useEmbeddedAws()
const now = new Date('2026-05-01T10:00:00Z')
let store: EventStore
let effectsTable: string
const client = () => documentClientFor(embedded.endpoint)

beforeAll(async () => {
  store = new EventStore({
    client: client(),
    eventsTable: await createEventsTable(embedded.endpoint),
    snapshotsTable: await createSnapshotsTable(embedded.endpoint),
    definitions: tallyDefinitions,
  })
  // Stands for the caller's own writes, as the runtime's idempotency record does.
  effectsTable = `effects-${randomUUID().slice(0, 8)}`
  await new DynamoDBClient(emulatorClientConfig(embedded.endpoint)).send(
    new CreateTableCommand({
      TableName: effectsTable,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    }),
  )
})

const effect = (id: string) => ({
  Put: { TableName: effectsTable, Item: { id }, ConditionExpression: 'attribute_not_exists(id)' },
})
const commit = (writes: unknown[]) =>
  client().send(new TransactWriteCommand({ TransactItems: writes as never }))
const effectExists = async (id: string) =>
  (await client().send(new GetCommand({ TableName: effectsTable, Key: { id } }))).Item !== undefined

describe('prepareDecision', () => {
  it('decides on the state read and returns the append for the caller to commit with its own writes', async () => {
    const first = await prepareDecision(store, tallyDecider, 'tally-a', {
      amount: 3,
      eventId: 'a-1',
      now,
    })
    expect(first).toMatchObject({
      stateBefore: { total: 0 },
      state: { total: 3, eventIds: ['a-1'] },
      streamVersion: 0,
      nextExpectedVersion: 1,
      snapshot: { status: 'none' },
    })
    // A new stream: the put of version 1 alone, on the condition that it is free.
    expect(first.writes).toEqual([
      {
        Put: expect.objectContaining({
          Item: expect.objectContaining({
            pk: 'tally-a',
            sk: 1,
            eventId: 'a-1',
            origin: 'decided',
          }),
          ConditionExpression: 'attribute_not_exists(#stream)',
          ExpressionAttributeNames: { '#stream': 'pk' },
        }),
      },
    ])
    await commit([...first.writes, effect('a-1')])

    const second = await prepareDecision(store, tallyDecider, 'tally-a', {
      amount: 4,
      eventId: 'a-2',
      now,
    })
    expect(second).toMatchObject({ streamVersion: 1, nextExpectedVersion: 2, state: { total: 7 } })
    // No ConditionCheck on version 1: the read saw it (2 WRU less a transaction); the put of
    // version 2 on the condition that it is free is the whole append.
    expect(second.writes).toEqual([
      {
        Put: expect.objectContaining({
          Item: expect.objectContaining({ pk: 'tally-a', sk: 2, eventId: 'a-2' }),
          ConditionExpression: 'attribute_not_exists(#stream)',
        }),
      },
    ])
    await commit([...second.writes, effect('a-2')])
    expect((await store.aggregateStream(tallyDecider, 'tally-a')).state).toEqual(second.state)
  })

  it('returns no writes when the command changes nothing', async () => {
    const decision = await prepareDecision(store, tallyDecider, 'tally-a', {
      amount: 3,
      eventId: 'a-1',
      now,
    })
    expect(decision).toMatchObject({ events: [], writes: [], streamVersion: 2 })
    expect(decision.state).toBe(decision.stateBefore)
  })

  it('lets a decision made on a stale state fail the whole transaction, the caller’s writes too', async () => {
    const [one, other] = await Promise.all([
      prepareDecision(store, tallyDecider, 'tally-b', { amount: 1, eventId: 'b-1', now }),
      prepareDecision(store, tallyDecider, 'tally-b', { amount: 2, eventId: 'b-2', now }),
    ])
    await commit([...one.writes, effect('b-1')])
    const error: unknown = await commit([...other.writes, effect('b-2')]).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ name: 'TransactionCanceledException' })
    expect(
      (error as { CancellationReasons: { Code: string }[] }).CancellationReasons[0],
    ).toMatchObject({ Code: 'ConditionalCheckFailed' })
    expect(await effectExists('b-2')).toBe(false)
    // Decided again on the state now, it commits after the other.
    const retry = await prepareDecision(store, tallyDecider, 'tally-b', {
      amount: 2,
      eventId: 'b-2',
      now,
    })
    await commit([...retry.writes, effect('b-2')])
    expect((await store.aggregateStream(tallyDecider, 'tally-b')).state).toEqual({
      total: 3,
      eventIds: ['b-1', 'b-2'],
    })
  })

  it('lets a decision on a stale state of a stream that has events fail on its put alone', async () => {
    await commit(
      (
        await prepareDecision(store, tallyDecider, 'tally-stale', {
          amount: 1,
          eventId: 's-1',
          now,
        })
      ).writes,
    )
    // Both decide on version 1; the second to commit finds version 2 taken.
    const [one, other] = await Promise.all([
      prepareDecision(store, tallyDecider, 'tally-stale', { amount: 2, eventId: 's-2', now }),
      prepareDecision(store, tallyDecider, 'tally-stale', { amount: 3, eventId: 's-3', now }),
    ])
    expect(one.writes.map((write) => Object.keys(write))).toEqual([['Put']])
    await commit([...one.writes, effect('s-2')])
    const error: unknown = await commit([...other.writes, effect('s-3')]).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(
      (error as { CancellationReasons: { Code: string }[] }).CancellationReasons.map((r) => r.Code),
    ).toEqual(['ConditionalCheckFailed', 'None'])
    expect(await effectExists('s-3')).toBe(false)
    expect((await store.aggregateStream(tallyDecider, 'tally-stale')).state).toEqual({
      total: 3,
      eventIds: ['s-1', 's-2'],
    })
  })

  it('lets decide throw, with nothing to write', async () => {
    await expect(
      prepareDecision(store, tallyDecider, 'tally-c', { amount: 5000, eventId: 'c-1', now }),
    ).rejects.toThrow('amount 5000 is over 1000')
  })

  it('leaves the snapshot out when it and an idempotency record would not fit one transaction', async () => {
    const many = {
      ...tallyDecider,
      decide: (command: { count: number; prefix: string }) =>
        Array.from({ length: command.count }, (_, i) => tallyAdded(1, `${command.prefix}-${i}`)),
    }
    const snapshots = { schemaVersion: 1, every: 1 }
    const fits = await prepareDecision(
      store,
      many,
      'tally-many-98',
      { count: 98, prefix: 'f' },
      { snapshots },
    )
    expect([fits.writes.length, fits.snapshotVersion]).toEqual([99, 98])
    const full = await prepareDecision(
      store,
      many,
      'tally-many-99',
      { count: 99, prefix: 'g' },
      { snapshots },
    )
    expect([full.writes.length, full.snapshotVersion]).toEqual([99, undefined])
  })

  it('writes a snapshot with the append once `every` events follow the last one', async () => {
    const snapshots = { schemaVersion: 1, every: 3 }
    const versions: (number | undefined)[] = []
    for (let i = 1; i <= 7; i++) {
      const decision = await prepareDecision(
        store,
        tallyDecider,
        'tally-d',
        { amount: i, eventId: `d-${i}`, now },
        { snapshots },
      )
      versions.push(decision.snapshotVersion)
      await commit([...decision.writes, effect(`d-${i}`)])
    }
    expect(versions).toEqual([undefined, undefined, 3, undefined, undefined, 6, undefined])
    const read = await store.aggregateStream(tallyDecider, 'tally-d', { snapshots })
    expect(read).toMatchObject({ snapshot: { status: 'used', version: 6 }, streamVersion: 7 })
    expect(read.state).toEqual((await store.aggregateStream(tallyDecider, 'tally-d')).state)
  })
})
