import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { describe, expect, it } from 'vitest'
import { createEvent, OrderCancelledV1 } from '../../../functions/catalogue/index.ts'
import {
  EventStore,
  InvalidStreamRequestError,
  WrongExpectedVersionError,
} from '../../../functions/event-store/index.ts'

// With 'no-stream' or a number the version is known, so preparing an append reads nothing.
const unused = new Proxy({} as DynamoDBDocumentClient, {
  get: () => {
    throw new Error('no DynamoDB call expected')
  },
})
const store = new EventStore({ client: unused, eventsTable: 'events' })
const cancelled = (eventId: string) =>
  createEvent(
    OrderCancelledV1,
    { orderId: 'o-1', reason: 'r' },
    { source: 'test', eventId, timestamp: new Date('2026-05-01T10:00:00Z') },
  )

describe('prepareAppend', () => {
  it('checks that an expected version exists and puts each new version only if it is free', async () => {
    const prepared = await store.prepareAppend('order-o-1', [cancelled('a'), cancelled('b')], {
      expectedVersion: 3,
    })
    expect(prepared).toMatchObject({ streamVersion: 3, nextExpectedVersion: 5 })
    expect(prepared.writes).toEqual([
      {
        ConditionCheck: {
          TableName: 'events',
          Key: { pk: 'order-o-1', sk: 3 },
          ConditionExpression: 'attribute_exists(#stream)',
          ExpressionAttributeNames: { '#stream': 'pk' },
        },
      },
      {
        Put: {
          TableName: 'events',
          Item: { pk: 'order-o-1', sk: 4, origin: 'decided', ...cancelled('a') },
          ConditionExpression: 'attribute_not_exists(#stream)',
          ExpressionAttributeNames: { '#stream': 'pk' },
        },
      },
      {
        Put: {
          TableName: 'events',
          Item: { pk: 'order-o-1', sk: 5, origin: 'decided', ...cancelled('b') },
          ConditionExpression: 'attribute_not_exists(#stream)',
          ExpressionAttributeNames: { '#stream': 'pk' },
        },
      },
    ])
  })

  it('leaves the check out for a version a read of the stream returned', async () => {
    const prepared = await store.prepareAppend('order-o-1', [cancelled('a')], {
      expectedVersion: 3,
      versionRead: true,
    })
    expect(prepared).toMatchObject({ streamVersion: 3, nextExpectedVersion: 4 })
    expect(prepared.writes).toEqual([
      {
        Put: {
          TableName: 'events',
          Item: { pk: 'order-o-1', sk: 4, origin: 'decided', ...cancelled('a') },
          ConditionExpression: 'attribute_not_exists(#stream)',
          ExpressionAttributeNames: { '#stream': 'pk' },
        },
      },
    ])
  })

  it('starts a new stream with puts alone', async () => {
    for (const expectedVersion of ['no-stream', 0] as const) {
      const prepared = await store.prepareAppend('s', [cancelled('a')], {
        expectedVersion,
        origin: 'recorded',
      })
      expect(prepared.writes).toEqual([
        {
          Put: {
            TableName: 'events',
            Item: { pk: 's', sk: 1, origin: 'recorded', ...cancelled('a') },
            ConditionExpression: 'attribute_not_exists(#stream)',
            ExpressionAttributeNames: { '#stream': 'pk' },
          },
        },
      ])
    }
  })

  it('refuses more events than one transaction takes', async () => {
    const events = Array.from({ length: 100 }, (_, i) => cancelled(`e-${i}`))
    await expect(store.prepareAppend('s', events, { expectedVersion: 7 })).rejects.toThrow(
      'append to s: 100 events need 101 writes; one transaction takes at most 100',
    )
    await expect(
      store.prepareAppend('s', events, { expectedVersion: 'no-stream' }),
    ).resolves.toMatchObject({ nextExpectedVersion: 100 })
  })

  it('refuses an unknown origin', async () => {
    await expect(
      store.prepareAppend('s', [cancelled('a')], {
        expectedVersion: 'no-stream',
        origin: 'bus' as never,
      }),
    ).rejects.toThrow(InvalidStreamRequestError)
  })
})

describe('EventStore options', () => {
  it('refuses every wrong option at once, a snapshots table that is the events table too', () => {
    expect(
      () => new EventStore({ client: unused, eventsTable: 'e', snapshotsTable: 'e', pageSize: 0 }),
    ).toThrow(
      'event store options: pageSize must be a positive integer (got 0); snapshotsTable must not be the events table (e)',
    )
  })
})

describe('WrongExpectedVersionError', () => {
  it('names the stream and both versions in each vocabulary', () => {
    expect(new WrongExpectedVersionError('s', 2, 5).message).toBe(
      'stream s: expected version 2, but it is at version 5',
    )
    expect(new WrongExpectedVersionError('s', 'no-stream', 1).message).toBe(
      'stream s: expected no stream, but it is at version 1',
    )
    expect(new WrongExpectedVersionError('s', 'stream-exists', 0).message).toBe(
      'stream s: expected an existing stream, but it is at version 0 (no stream)',
    )
    const error = new WrongExpectedVersionError('s', 'any', 3)
    expect(error).toMatchObject({ name: 'WrongExpectedVersionError', streamId: 's', actual: 3 })
  })
})
