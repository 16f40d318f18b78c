import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb'
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type ShardIteratorType,
  type StreamViewType,
} from '@aws-sdk/client-dynamodb-streams'
import { describe, expect, it } from 'vitest'
import { describeRecords, firstShard, readStream } from '../../support/dynamodb-streams.ts'
import {
  conformance,
  dynamoDbTargets,
  pkTable,
  useDynamoDb,
} from '../../support/dynamodb-targets.ts'

for (const target of dynamoDbTargets) {
  const title = `DynamoDB Streams on ${target.name}${target.skip ? ` (skipped: ${target.skip})` : ''}`
  describe.skipIf(target.skip)(title, () => {
    const db = useDynamoDb(target)
    const check = conformance(target)

    const streamTable = async (StreamViewType: StreamViewType = 'NEW_AND_OLD_IMAGES') => {
      const table = await db.createTable({
        ...pkTable,
        StreamSpecification: { StreamEnabled: true, StreamViewType },
      })
      const { Table } = await db.ddb.send(new DescribeTableCommand({ TableName: table }))
      if (!Table?.LatestStreamArn) throw new Error(`table ${table} has no LatestStreamArn`)
      return { table, arn: Table.LatestStreamArn }
    }
    const put = (TableName: string, pk: string, n: number) =>
      db.ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: pk }, n: { N: String(n) } } }))

    it('shows the stream of a table created with one in DescribeTable, ListStreams and DescribeStream', async () => {
      const { table, arn } = await streamTable('NEW_IMAGE')
      const { Table } = await db.ddb.send(new DescribeTableCommand({ TableName: table }))
      expect(Table?.StreamSpecification).toEqual({
        StreamEnabled: true,
        StreamViewType: 'NEW_IMAGE',
      })
      expect(Table?.LatestStreamLabel).toBeTruthy()
      expect(arn).toContain(`table/${table}/stream/${Table?.LatestStreamLabel}`)

      const { Streams } = await db.streams.send(new ListStreamsCommand({ TableName: table }))
      expect(Streams).toEqual([
        { StreamArn: arn, TableName: table, StreamLabel: Table?.LatestStreamLabel },
      ])
      const { StreamDescription } = await db.streams.send(
        new DescribeStreamCommand({ StreamArn: arn }),
      )
      expect(StreamDescription).toMatchObject({
        StreamArn: arn,
        StreamStatus: 'ENABLED',
        StreamViewType: 'NEW_IMAGE',
        TableName: table,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      })
      expect(StreamDescription?.Shards?.[0]?.SequenceNumberRange?.StartingSequenceNumber).toMatch(
        /^\d+$/,
      )
    })

    check(
      'streams-no-op-writes',
      'records every write path in order with increasing sequence numbers, and nothing for failed or no-op writes',
      async () => {
        const { table, arn } = await streamTable()
        const key = (pk: string) => ({ pk: { S: pk } })
        await put(table, 'a', 1) // INSERT a
        await put(table, 'a', 2) // MODIFY a
        await put(table, 'a', 2) // no change: no record
        await db.ddb
          .send(
            new PutItemCommand({
              TableName: table,
              Item: { pk: { S: 'a' }, n: { N: '3' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          )
          .catch(() => undefined) // failed condition: no record
        await db.ddb.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key('a'),
            UpdateExpression: 'SET n = n + :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          }),
        ) // MODIFY a (n=3)
        await db.ddb.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key('a'),
            UpdateExpression: 'SET n = :same',
            ExpressionAttributeValues: { ':same': { N: '3' } },
          }),
        ) // no change: no record
        await db.ddb.send(new DeleteItemCommand({ TableName: table, Key: key('missing') })) // nothing to delete
        await db.ddb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [table]: [
                { PutRequest: { Item: { pk: { S: 'b' }, n: { N: '10' } } } },
                { DeleteRequest: { Key: key('a') } },
              ],
            },
          }),
        ) // INSERT b, REMOVE a
        await db.ddb.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: table, Item: { pk: { S: 'c' }, n: { N: '1' } } } },
              {
                Update: {
                  TableName: table,
                  Key: key('b'),
                  UpdateExpression: 'SET n = :v',
                  ExpressionAttributeValues: { ':v': { N: '11' } },
                },
              },
            ],
          }),
        ) // INSERT c, MODIFY b
        await db.ddb
          .send(
            new TransactWriteItemsCommand({
              TransactItems: [
                { Put: { TableName: table, Item: { pk: { S: 'd' } } } },
                {
                  ConditionCheck: {
                    TableName: table,
                    Key: key('c'),
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ],
            }),
          )
          .catch(() => undefined) // cancelled: no record
        await db.ddb.send(new DeleteItemCommand({ TableName: table, Key: key('c') })) // REMOVE c

        const records = await readStream(db.streams, arn)
        const described = describeRecords(records)
        // BatchWriteItem's and a transaction's items may be recorded in either order.
        expect(described.slice(0, 3)).toEqual(['INSERT a', 'MODIFY a', 'MODIFY a'])
        expect(described.slice(3, 5).sort()).toEqual(['INSERT b', 'REMOVE a'])
        expect(described.slice(5, 7).sort()).toEqual(['INSERT c', 'MODIFY b'])
        expect(described.slice(7)).toEqual(['REMOVE c'])

        const sequenceNumbers = records.map((r) => BigInt(r.dynamodb?.SequenceNumber ?? '0'))
        for (let i = 1; i < sequenceNumbers.length; i++) {
          expect(sequenceNumbers[i] as bigint).toBeGreaterThan(sequenceNumbers[i - 1] as bigint)
        }
        const modify = records[2]
        expect(modify?.dynamodb?.OldImage).toEqual({ pk: { S: 'a' }, n: { N: '2' } })
        expect(modify?.dynamodb?.NewImage).toEqual({ pk: { S: 'a' }, n: { N: '3' } })
        expect(modify).toMatchObject({
          eventSource: 'aws:dynamodb',
          eventVersion: '1.1',
          dynamodb: { Keys: { pk: { S: 'a' } }, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        })
        expect(modify?.dynamodb?.ApproximateCreationDateTime).toBeInstanceOf(Date)
        expect(modify?.userIdentity).toBeUndefined()
        const remove = records.find((r) => r.eventName === 'REMOVE')
        expect(remove?.dynamodb?.NewImage).toBeUndefined()
        expect(remove?.dynamodb?.OldImage).toEqual({ pk: { S: 'a' }, n: { N: '3' } })
      },
    )

    check(
      'streams-no-op-writes',
      'records nothing for a write of the same data spelled otherwise (numbers by value, sets in any order, nested lists and maps), and a MODIFY for any change in it',
      async () => {
        const { table, arn } = await streamTable()
        const write = (Item: Record<string, AttributeValue>) =>
          db.ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' }, ...Item } }))
        const data = {
          n: { N: '-0012.50e1' },
          z: { N: '0' },
          ns: { NS: ['1', '2.5'] },
          ss: { SS: ['x', 'y'] },
          l: { L: [{ N: '1' }, { S: 's' }] },
          m: { M: { k: { N: '0.5' }, b: { BOOL: true } } },
        } satisfies Record<string, AttributeValue>
        await write(data) // INSERT
        await write({
          n: { N: '-125' },
          z: { N: '0.000' },
          ns: { NS: ['2.50', '1.0'] },
          ss: { SS: ['y', 'x'] },
          l: { L: [{ N: '1.0' }, { S: 's' }] },
          m: { M: { b: { BOOL: true }, k: { N: '.5' } } },
        }) // the same data: no record
        const { z, ...others } = data
        const changes: Record<string, Record<string, AttributeValue>> = {
          'a number': { ...data, n: { N: '-124' } },
          'a number set': { ...data, ns: { NS: ['1', '3'] } },
          'a string set': { ...data, ss: { SS: ['x', 'z'] } },
          'the order of a list': { ...data, l: { L: [{ S: 's' }, { N: '1' }] } },
          'a list’s length': { ...data, l: { L: [{ N: '1' }] } },
          'a value in a map': { ...data, m: { M: { k: { N: '0.6' }, b: { BOOL: true } } } },
          'a type': { ...data, z: { S: '0' } },
          'an attribute’s name': { ...others, y: z },
          'an attribute more': { ...data, extra: { NULL: true } },
        }
        for (const item of Object.values(changes)) {
          await write(item)
          await write(data) // back: each change is two MODIFY records
        }
        const described = describeRecords(await readStream(db.streams, arn))
        expect(described).toEqual([
          'INSERT a',
          ...Object.keys(changes).flatMap(() => ['MODIFY a', 'MODIFY a']),
        ])
      },
    )

    for (const [viewType, hasNew, hasOld] of [
      ['KEYS_ONLY', false, false],
      ['NEW_IMAGE', true, false],
      ['OLD_IMAGE', false, true],
    ] as const) {
      it(`carries only what ${viewType} asks for`, async () => {
        const { table, arn } = await streamTable(viewType)
        await put(table, 'a', 1)
        await put(table, 'a', 2)
        const [, modify] = await readStream(db.streams, arn)
        expect(modify?.dynamodb?.Keys).toEqual({ pk: { S: 'a' } })
        expect(modify?.dynamodb?.StreamViewType).toBe(viewType)
        expect(modify?.dynamodb?.NewImage).toEqual(
          hasNew ? { pk: { S: 'a' }, n: { N: '2' } } : undefined,
        )
        expect(modify?.dynamodb?.OldImage).toEqual(
          hasOld ? { pk: { S: 'a' }, n: { N: '1' } } : undefined,
        )
      })
    }

    it('starts iterators at LATEST, AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER', async () => {
      const { table, arn } = await streamTable('KEYS_ONLY')
      await put(table, 'one', 1)
      await put(table, 'two', 2)
      const { ShardId } = await firstShard(db.streams, arn)
      const { ShardIterator: latest } = await db.streams.send(
        new GetShardIteratorCommand({ StreamArn: arn, ShardId, ShardIteratorType: 'LATEST' }),
      )
      await put(table, 'three', 3)
      const fromLatest = await db.streams.send(new GetRecordsCommand({ ShardIterator: latest }))
      expect(describeRecords(fromLatest.Records ?? [])).toEqual(['INSERT three'])

      const all = await readStream(db.streams, arn)
      const second = all[1]?.dynamodb?.SequenceNumber
      expect(
        describeRecords(
          await readStream(db.streams, arn, { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: second }),
        ),
      ).toEqual(['INSERT two', 'INSERT three'])
      expect(
        describeRecords(
          await readStream(db.streams, arn, {
            type: 'AFTER_SEQUENCE_NUMBER',
            sequenceNumber: second,
          }),
        ),
      ).toEqual(['INSERT three'])
    })

    // Sequence numbers are shared across a region's streams: another table writing between a
    // reader's iterator and this table's first record must not make that iterator trimmed.
    // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html
    it('reads a second table from an iterator taken before its first record while another table writes', async () => {
      const quiet = await streamTable('KEYS_ONLY')
      const busy = await streamTable('KEYS_ONLY')
      const shard = await firstShard(db.streams, quiet.arn)
      const iterator = async (type: ShardIteratorType, SequenceNumber?: string) =>
        (
          await db.streams.send(
            new GetShardIteratorCommand({
              StreamArn: quiet.arn,
              ShardId: shard.ShardId,
              ShardIteratorType: type,
              SequenceNumber,
            }),
          )
        ).ShardIterator
      const horizon = await iterator('TRIM_HORIZON')
      const atStart = await iterator(
        'AT_SEQUENCE_NUMBER',
        shard.SequenceNumberRange?.StartingSequenceNumber,
      )
      const emptyPoll = await db.streams.send(new GetRecordsCommand({ ShardIterator: horizon }))
      expect(emptyPoll.Records).toEqual([])
      for (const pk of ['x', 'y']) await put(busy.table, pk, 1)
      await put(quiet.table, 'q', 1)
      for (const ShardIterator of [horizon, atStart, emptyPoll.NextShardIterator]) {
        const page = await db.streams.send(new GetRecordsCommand({ ShardIterator }))
        expect(describeRecords(page.Records ?? [])).toEqual(['INSERT q'])
      }
    })

    it('pages GetRecords by Limit', async () => {
      const { table, arn } = await streamTable('KEYS_ONLY')
      for (const pk of ['a', 'b', 'c']) await put(table, pk, 1)
      const { ShardId } = await firstShard(db.streams, arn)
      const { ShardIterator } = await db.streams.send(
        new GetShardIteratorCommand({ StreamArn: arn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      )
      const first = await db.streams.send(new GetRecordsCommand({ ShardIterator, Limit: 2 }))
      expect(describeRecords(first.Records ?? [])).toEqual(['INSERT a', 'INSERT b'])
      const next = await db.streams.send(
        new GetRecordsCommand({ ShardIterator: first.NextShardIterator, Limit: 2 }),
      )
      expect(describeRecords(next.Records ?? [])).toEqual(['INSERT c'])
    })

    check(
      'streams-update-table',
      'turns a stream on and off with UpdateTable; a new stream each time, the old one DISABLED',
      async () => {
        const table = await db.createTable(pkTable)
        const enable = (StreamViewType: StreamViewType) =>
          db.ddb.send(
            new UpdateTableCommand({
              TableName: table,
              StreamSpecification: { StreamEnabled: true, StreamViewType },
            }),
          )
        const disable = () =>
          db.ddb.send(
            new UpdateTableCommand({
              TableName: table,
              StreamSpecification: { StreamEnabled: false },
            }),
          )
        const described = async () =>
          (await db.ddb.send(new DescribeTableCommand({ TableName: table }))).Table

        const enabled = await enable('NEW_IMAGE')
        expect(enabled.TableDescription?.StreamSpecification).toEqual({
          StreamEnabled: true,
          StreamViewType: 'NEW_IMAGE',
        })
        const first = (await described())?.LatestStreamArn
        expect(first).toBeTruthy()
        await expect(enable('NEW_IMAGE')).rejects.toMatchObject({
          name: 'ValidationException',
          message: expect.stringMatching(/already has an enabled stream/),
        })

        await disable()
        const afterDisable = await described()
        expect(afterDisable?.StreamSpecification?.StreamEnabled ?? false).toBe(false)
        expect(afterDisable?.LatestStreamArn).toBe(first)
        const old = await db.streams.send(new DescribeStreamCommand({ StreamArn: first }))
        expect(old.StreamDescription?.StreamStatus).toMatch(/^DISABL/)
        await expect(disable()).rejects.toMatchObject({
          name: 'ValidationException',
          message: expect.stringMatching(/no stream to disable/),
        })

        await enable('KEYS_ONLY')
        const second = (await described())?.LatestStreamArn
        expect(second).toBeTruthy()
        expect(second).not.toBe(first)
      },
    )

    check(
      'streams-spec-validation',
      'rejects a StreamSpecification that enables a stream without a view type',
      async () => {
        await expect(
          db.ddb.send(
            new CreateTableCommand({
              ...pkTable,
              TableName: `no-view-type-${crypto.randomUUID().slice(0, 8)}`,
              BillingMode: 'PAY_PER_REQUEST',
              StreamSpecification: { StreamEnabled: true },
            }),
          ),
        ).rejects.toMatchObject({ name: 'ValidationException' })
      },
    )

    it('answers ResourceNotFoundException for an unknown stream', async () => {
      const region = await db.ddb.config.region()
      const StreamArn = `arn:aws:dynamodb:${region}:000000000000:table/nope/stream/2020-01-01T00:00:00.000`
      await expect(db.streams.send(new DescribeStreamCommand({ StreamArn }))).rejects.toMatchObject(
        { name: 'ResourceNotFoundException' },
      )
    })

    check(
      'streams-iterator-validation',
      'rejects AT_SEQUENCE_NUMBER without a sequence number and a malformed iterator',
      async () => {
        const { arn } = await streamTable('KEYS_ONLY')
        const { ShardId } = await firstShard(db.streams, arn)
        await expect(
          db.streams.send(
            new GetShardIteratorCommand({
              StreamArn: arn,
              ShardId,
              ShardIteratorType: 'AT_SEQUENCE_NUMBER',
            }),
          ),
        ).rejects.toMatchObject({ name: 'ValidationException' })
        await expect(
          db.streams.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' })),
        ).rejects.toMatchObject({ name: 'ValidationException' })
      },
    )
  })
}
