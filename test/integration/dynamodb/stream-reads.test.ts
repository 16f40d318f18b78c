import {
  DescribeTableCommand,
  PutItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb'
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { describeRecords, firstShard, readStream } from '../../support/dynamodb-streams.ts'
import { embeddedDynamoDb, pkTable, useDynamoDb } from '../../support/dynamodb-targets.ts'

// How DynamoDB Streams answers a reader at the edges: ListStreams' paging, a closed shard,
// shard iterators that expired, point before the trim horizon or at a record that is not in
// the shard, and streams that are gone. Embedded only: moving the clock (an iterator's 15
// minutes, a record's 24 hours) needs the in-process server.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB_Streams.html

const dayMs = 24 * 60 * 60 * 1000

describe('DynamoDB Streams reads at the edges, on the embedded DynamoDB', () => {
  const db = useDynamoDb(embeddedDynamoDb)
  afterEach(() => {
    vi.useRealTimers()
  })

  const streamTable = async (TableName = 'reads') => {
    const table = await db.createTable({
      ...pkTable,
      TableName,
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    })
    const { Table } = await db.ddb.send(new DescribeTableCommand({ TableName: table }))
    return { table, arn: Table?.LatestStreamArn as string, label: Table?.LatestStreamLabel }
  }
  const put = (TableName: string, pk: string) =>
    db.ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: pk } } }))
  const disable = (TableName: string) =>
    db.ddb.send(
      new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: false } }),
    )
  const iterator = async (
    StreamArn: string,
    ShardIteratorType: GetShardIteratorCommandInput['ShardIteratorType'],
    SequenceNumber?: string,
  ) => {
    const { ShardId } = await firstShard(db.streams, StreamArn)
    const { ShardIterator } = await db.streams.send(
      new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType, SequenceNumber }),
    )
    return ShardIterator as string
  }
  const sweep = (atMs: number) => {
    const sweepExpiredItems = db.running.sweepExpiredItems
    if (!sweepExpiredItems) throw new Error('the embedded target sweeps on demand')
    return sweepExpiredItems(new Date(atMs))
  }

  describe('ListStreams', () => {
    it('lists the streams of one table with TableName, and of every table without', async () => {
      const one = await streamTable('listed-one')
      const two = await streamTable('listed-two')
      const { Streams } = await db.streams.send(new ListStreamsCommand({ TableName: one.table }))
      expect(Streams).toEqual([
        { StreamArn: one.arn, TableName: one.table, StreamLabel: one.label },
      ])
      const all = await db.streams.send(new ListStreamsCommand({}))
      expect(all.Streams).toEqual(
        expect.arrayContaining([
          { StreamArn: one.arn, TableName: one.table, StreamLabel: one.label },
          { StreamArn: two.arn, TableName: two.table, StreamLabel: two.label },
        ]),
      )
      expect(all.LastEvaluatedStreamArn).toBeUndefined()
    })

    it('pages by Limit: LastEvaluatedStreamArn names the last stream of a page, and is absent on the last page', async () => {
      const { table } = await streamTable('paged')
      const arns = [(await streamTable('paged')).arn] // another table, so the filter matters
      for (let i = 0; i < 2; i++) {
        await disable(table)
        await db.ddb.send(
          new UpdateTableCommand({
            TableName: table,
            StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
          }),
        )
      }
      const { Streams: expected } = await db.streams.send(
        new ListStreamsCommand({ TableName: table }),
      )
      expect(expected).toHaveLength(3)
      expect(expected?.map((s) => s.StreamArn)).not.toContain(arns[0])

      const first = await db.streams.send(new ListStreamsCommand({ TableName: table, Limit: 2 }))
      expect(first.Streams).toEqual(expected?.slice(0, 2))
      expect(first.LastEvaluatedStreamArn).toBe(expected?.[1]?.StreamArn)
      const rest = await db.streams.send(
        new ListStreamsCommand({
          TableName: table,
          Limit: 2,
          ExclusiveStartStreamArn: first.LastEvaluatedStreamArn,
        }),
      )
      expect(rest.Streams).toEqual(expected?.slice(2))
      expect(rest.LastEvaluatedStreamArn).toBeUndefined()
      const one = await db.streams.send(new ListStreamsCommand({ TableName: table, Limit: 1 }))
      expect(one.Streams).toEqual(expected?.slice(0, 1))
      expect(one.LastEvaluatedStreamArn).toBe(expected?.[0]?.StreamArn)
      const exact = await db.streams.send(new ListStreamsCommand({ TableName: table, Limit: 3 }))
      expect(exact.Streams).toEqual(expected)
      expect(exact.LastEvaluatedStreamArn).toBeUndefined()
    })
  })

  describe('a closed shard (a disabled stream)', () => {
    it('shows its EndingSequenceNumber, and GetRecords ends the shard once read to it', async () => {
      const { table, arn } = await streamTable()
      await put(table, 'a')
      await put(table, 'b')
      const open = await firstShard(db.streams, arn)
      expect(open.SequenceNumberRange?.EndingSequenceNumber).toBeUndefined()
      const records = await readStream(db.streams, arn)
      await disable(table)

      const closed = await firstShard(db.streams, arn)
      expect(closed.SequenceNumberRange).toEqual({
        StartingSequenceNumber: open.SequenceNumberRange?.StartingSequenceNumber,
        EndingSequenceNumber: records[1]?.dynamodb?.SequenceNumber,
      })
      const page = await db.streams.send(
        new GetRecordsCommand({ ShardIterator: await iterator(arn, 'TRIM_HORIZON'), Limit: 1 }),
      )
      expect(describeRecords(page.Records ?? [])).toEqual(['INSERT a'])
      expect(page.NextShardIterator).toBeTruthy()
      const last = await db.streams.send(
        new GetRecordsCommand({ ShardIterator: page.NextShardIterator }),
      )
      expect(describeRecords(last.Records ?? [])).toEqual(['INSERT b'])
      expect(last.NextShardIterator).toBeUndefined()
    })

    it('with no records is read to its end at once', async () => {
      const { table, arn } = await streamTable()
      await disable(table)
      const page = await db.streams.send(
        new GetRecordsCommand({ ShardIterator: await iterator(arn, 'TRIM_HORIZON') }),
      )
      expect(page).toMatchObject({ Records: [] })
      expect(page.NextShardIterator).toBeUndefined()
    })

    it('is listed with ExclusiveStartShardId before its shard, and no shard after it', async () => {
      const { arn } = await streamTable()
      const { ShardId } = await firstShard(db.streams, arn)
      const after = await db.streams.send(
        new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: ShardId }),
      )
      expect(after.StreamDescription?.Shards).toEqual([])
    })
  })

  describe('GetShardIterator', () => {
    it('refuses a SequenceNumber that is not a 21-digit sequence number', async () => {
      const { table, arn } = await streamTable()
      await put(table, 'a')
      const [record] = await readStream(db.streams, arn)
      const real = record?.dynamodb?.SequenceNumber as string
      for (const SequenceNumber of [
        `${real}0`,
        `9${real}`,
        'a'.repeat(21),
        `${real.slice(0, 20)}x`,
      ]) {
        await expect(iterator(arn, 'AT_SEQUENCE_NUMBER', SequenceNumber)).rejects.toMatchObject({
          name: 'ValidationException',
          message: `Invalid SequenceNumber: ${SequenceNumber}`,
        })
      }
      await expect(iterator(arn, 'AFTER_SEQUENCE_NUMBER')).rejects.toMatchObject({
        name: 'ValidationException',
        message: 'SequenceNumber is required when ShardIteratorType is AFTER_SEQUENCE_NUMBER',
      })
    })

    it('refuses the sequence number of a record of another stream', async () => {
      const mine = await streamTable()
      const other = await streamTable('other')
      // After a record of mine: a stream's StartingSequenceNumber is a position of its own.
      await put(mine.table, 'a')
      await put(other.table, 'x')
      await put(mine.table, 'b')
      const [theirs] = await readStream(db.streams, other.arn)
      const SequenceNumber = theirs?.dynamodb?.SequenceNumber as string
      const { ShardId } = await firstShard(db.streams, mine.arn)
      await expect(iterator(mine.arn, 'AT_SEQUENCE_NUMBER', SequenceNumber)).rejects.toMatchObject({
        name: 'ValidationException',
        message: `Invalid SequenceNumber: ${SequenceNumber} is not a record of shard ${ShardId} in stream ${mine.arn}`,
      })
    })

    it('answers ResourceNotFoundException, naming them, for a shard or a stream that does not exist', async () => {
      const { arn } = await streamTable()
      const ShardId = 'shardId-00000000000000000000-00000000'
      await expect(
        db.streams.send(
          new GetShardIteratorCommand({ StreamArn: arn, ShardId, ShardIteratorType: 'LATEST' }),
        ),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: `Requested resource not found: Shard: ${ShardId} in Stream: ${arn} not found`,
      })
      const missing = `${arn}0`
      await expect(
        db.streams.send(
          new GetShardIteratorCommand({ StreamArn: missing, ShardId, ShardIteratorType: 'LATEST' }),
        ),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: `Requested resource not found: Stream: ${missing} not found`,
      })
      await expect(
        db.streams.send(new DescribeStreamCommand({ StreamArn: missing })),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: `Requested resource not found: Stream: ${missing} not found`,
      })
    })
  })

  describe('after 24 hours', () => {
    it('refuses with TrimmedDataAccessException an iterator or a sequence number before the trim horizon', async () => {
      const { table, arn } = await streamTable()
      await put(table, 'old')
      const [old] = await readStream(db.streams, arn)
      const fromHorizon = await iterator(arn, 'TRIM_HORIZON')
      await sweep(Date.now() + dayMs + 1000)
      await put(table, 'new')

      await expect(
        db.streams.send(new GetRecordsCommand({ ShardIterator: fromHorizon })),
      ).rejects.toMatchObject({
        name: 'TrimmedDataAccessException',
        message:
          'The iterator points before the trim horizon of its shard: those records have expired',
      })
      const { ShardId } = await firstShard(db.streams, arn)
      const expired = old?.dynamodb?.SequenceNumber
      for (const type of ['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] as const) {
        await expect(iterator(arn, type, expired)).rejects.toMatchObject({
          name: 'TrimmedDataAccessException',
          message: `SequenceNumber ${expired} is before the trim horizon of shard ${ShardId}: its record has expired`,
        })
      }
      expect(describeRecords(await readStream(db.streams, arn))).toEqual(['INSERT new'])
    })

    it('forgets a disabled stream whose records expired', async () => {
      const { table, arn } = await streamTable()
      await put(table, 'a')
      const fromHorizon = await iterator(arn, 'TRIM_HORIZON')
      await disable(table)
      await sweep(Date.now() + dayMs + 1000)
      const { Streams } = await db.streams.send(new ListStreamsCommand({ TableName: table }))
      expect(Streams).toEqual([])
      await expect(
        db.streams.send(new DescribeStreamCommand({ StreamArn: arn })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
      await expect(
        db.streams.send(new GetRecordsCommand({ ShardIterator: fromHorizon })),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: `Requested resource not found: Stream: ${arn} not found`,
      })
    })
  })

  it('answers ValidationException to a ShardIterator it did not issue', async () => {
    await expect(
      db.streams.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' })),
    ).rejects.toMatchObject({ name: 'ValidationException', message: 'Invalid ShardIterator' })
  })

  it('expires a shard iterator 15 minutes after GetShardIterator returned it', async () => {
    const { table, arn } = await streamTable()
    await put(table, 'a')
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
    const issued = Date.now()
    const fromHorizon = await iterator(arn, 'TRIM_HORIZON')
    vi.setSystemTime(issued + 15 * 60 * 1000)
    const page = await db.streams.send(new GetRecordsCommand({ ShardIterator: fromHorizon }))
    expect(describeRecords(page.Records ?? [])).toEqual(['INSERT a'])
    vi.setSystemTime(issued + 15 * 60 * 1000 + 1)
    await expect(
      db.streams.send(new GetRecordsCommand({ ShardIterator: fromHorizon })),
    ).rejects.toMatchObject({
      name: 'ExpiredIteratorException',
      message: 'Iterator expired. The iterator was created more than 15 minutes ago.',
    })
    // The iterator GetRecords returns starts its own 15 minutes.
    const next = await db.streams.send(
      new GetRecordsCommand({ ShardIterator: page.NextShardIterator }),
    )
    expect(next.Records).toEqual([])
  })

  describe('StreamSpecification', () => {
    // DynamoDB's own wording; the create-time one as real DynamoDB answers it:
    // https://github.com/nubo-db/dynoxide/issues/115
    const invalid = 'One or more parameter values were invalid:'
    const create = (StreamSpecification: {
      StreamEnabled: boolean
      StreamViewType?: 'KEYS_ONLY'
    }) => db.createTable({ ...pkTable, TableName: 'spec', StreamSpecification })
    const update = (
      TableName: string,
      StreamSpecification: { StreamEnabled: boolean; StreamViewType?: 'KEYS_ONLY' },
    ) => db.ddb.send(new UpdateTableCommand({ TableName, StreamSpecification }))

    it('refuses a view type without a stream, and a stream without a view type, saying which', async () => {
      await expect(create({ StreamEnabled: true })).rejects.toMatchObject({
        name: 'ValidationException',
        message: `${invalid} Table is being created with a stream enabled, UpdateViewType is required`,
      })
      await expect(
        create({ StreamEnabled: false, StreamViewType: 'KEYS_ONLY' }),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: `${invalid} Table is being created with a stream disabled, UpdateViewType should not be specified`,
      })
      const table = await db.createTable({ ...pkTable, TableName: 'spec' })
      await expect(update(table, { StreamEnabled: true })).rejects.toMatchObject({
        name: 'ValidationException',
        message: `${invalid} If stream is being enabled then UpdateViewType is required`,
      })
      await expect(
        update(table, { StreamEnabled: false, StreamViewType: 'KEYS_ONLY' }),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: `${invalid} If stream is being disabled, then UpdateViewType must not be specified`,
      })
    })

    it('refuses to disable the stream of a table that never had one', async () => {
      const table = await db.createTable({ ...pkTable, TableName: 'never' })
      const withTimeToLive = await db.createTable({ ...pkTable, TableName: 'never-ttl' })
      await db.ddb.send(
        new UpdateTimeToLiveCommand({
          TableName: withTimeToLive,
          TimeToLiveSpecification: { Enabled: true, AttributeName: 'ttl' },
        }),
      )
      for (const TableName of [table, withTimeToLive]) {
        await expect(update(TableName, { StreamEnabled: false })).rejects.toMatchObject({
          name: 'ValidationException',
          message: `Table has no stream to disable: TableName: ${TableName}`,
        })
      }
    })

    it('gives a stream re-enabled in the same millisecond a label and ARN of its own', async () => {
      const table = await db.createTable({ ...pkTable, TableName: 'same-ms' })
      const latest = async () =>
        (await db.ddb.send(new DescribeTableCommand({ TableName: table }))).Table
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
      const arns: (string | undefined)[] = []
      for (let i = 0; i < 2; i++) {
        if (i > 0) await disable(table)
        await update(table, { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' })
        arns.push((await latest())?.LatestStreamArn)
      }
      expect(new Set(arns).size).toBe(2)
      const { Streams } = await db.streams.send(new ListStreamsCommand({ TableName: table }))
      expect(new Set(Streams?.map((s) => s.StreamLabel)).size).toBe(2)
    })
  })
})
