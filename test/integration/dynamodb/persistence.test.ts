import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BatchGetItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb'
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams'
import { afterAll, describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { startEmbeddedAws } from '../../../local/embedded-aws.ts'
import { describeRecords, firstShard, readStream } from '../../support/dynamodb-streams.ts'

describe('the embedded DynamoDB with a data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'embedded-dynamodb-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  const start = async () => {
    const aws = await startEmbeddedAws({ port: 0, dataDir, dynamoDbTtlSweepIntervalMs: 0 })
    const config = { ...emulatorClientConfig(aws.endpoint), maxAttempts: 1 }
    return { aws, ddb: new DynamoDBClient(config), streams: new DynamoDBStreamsClient(config) }
  }

  it('keeps stream settings, stream records and time to live across a restart', async () => {
    const first = await start()
    await first.ddb.send(
      new CreateTableCommand({
        TableName: 'kept',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      }),
    )
    await first.ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: 'kept',
        TimeToLiveSpecification: { Enabled: true, AttributeName: 'ttl' },
      }),
    )
    await first.ddb.send(new PutItemCommand({ TableName: 'kept', Item: { pk: { S: 'before' } } }))
    const arn = (await first.ddb.send(new DescribeTableCommand({ TableName: 'kept' }))).Table
      ?.LatestStreamArn as string
    await first.aws.stop()

    const second = await start()
    try {
      const { Table } = await second.ddb.send(new DescribeTableCommand({ TableName: 'kept' }))
      expect(Table?.LatestStreamArn).toBe(arn)
      expect(Table?.StreamSpecification).toEqual({
        StreamEnabled: true,
        StreamViewType: 'KEYS_ONLY',
      })
      const { TimeToLiveDescription } = await second.ddb.send(
        new DescribeTimeToLiveCommand({ TableName: 'kept' }),
      )
      expect(TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' })

      await second.ddb.send(new PutItemCommand({ TableName: 'kept', Item: { pk: { S: 'after' } } }))
      const records = await readStream(second.streams, arn)
      expect(describeRecords(records)).toEqual(['INSERT before', 'INSERT after'])
      const [before, after] = records.map((r) => BigInt(r.dynamodb?.SequenceNumber ?? '0'))
      expect(after as bigint).toBeGreaterThan(before as bigint)
    } finally {
      await second.aws.stop()
    }
  })

  it('keeps the items across a restart: read, updated and deleted after it as before', async () => {
    const first = await start()
    await first.ddb.send(
      new CreateTableCommand({
        TableName: 'items',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
    // A new table is CREATING until it turns ACTIVE, as on AWS: an item write before then is
    // refused with ResourceNotFoundException (it happened under load in CI).
    await waitUntilTableExists({ client: first.ddb, maxWaitTime: 30 }, { TableName: 'items' })
    for (const pk of ['counted', 'deleted', 'kept']) {
      await first.ddb.send(
        new PutItemCommand({ TableName: 'items', Item: { pk: { S: pk }, n: { N: '1' } } }),
      )
    }
    await first.ddb.send(new DeleteItemCommand({ TableName: 'items', Key: { pk: { S: 'kept' } } }))
    await first.ddb.send(
      new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'kept' }, n: { N: '2' } } }),
    )
    await first.aws.stop()

    const second = await start()
    try {
      const get = async (pk: string) =>
        (
          await second.ddb.send(
            new GetItemCommand({
              TableName: 'items',
              Key: { pk: { S: pk } },
              ConsistentRead: true,
            }),
          )
        ).Item
      expect(await get('kept')).toEqual({ pk: { S: 'kept' }, n: { N: '2' } })
      const batch = await second.ddb.send(
        new BatchGetItemCommand({
          RequestItems: { items: { Keys: [{ pk: { S: 'counted' } }, { pk: { S: 'absent' } }] } },
        }),
      )
      expect(batch.Responses?.items).toEqual([{ pk: { S: 'counted' }, n: { N: '1' } }])
      // A conditional update on an item read back from disk sees it.
      await second.ddb.send(
        new UpdateItemCommand({
          TableName: 'items',
          Key: { pk: { S: 'counted' } },
          UpdateExpression: 'ADD n :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': { N: '1' } },
        }),
      )
      expect(await get('counted')).toEqual({ pk: { S: 'counted' }, n: { N: '2' } })
      await second.ddb.send(
        new DeleteItemCommand({ TableName: 'items', Key: { pk: { S: 'deleted' } } }),
      )
      expect(await get('deleted')).toBeUndefined()
      const scan = await second.ddb.send(new ScanCommand({ TableName: 'items' }))
      expect(scan.Items?.map((item) => item.pk?.S).sort()).toEqual(['counted', 'kept'])
    } finally {
      await second.aws.stop()
    }
  })

  it('keeps a disabled stream closed at its last record across a restart; the next stream numbers on after it', async () => {
    const TableName = 'closed'
    const first = await start()
    let arn: string
    let closedRange: unknown
    try {
      await first.ddb.send(
        new CreateTableCommand({
          TableName,
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
        }),
      )
      await waitUntilTableExists({ client: first.ddb, maxWaitTime: 30 }, { TableName })
      await first.ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } } }))
      arn = (await first.ddb.send(new DescribeTableCommand({ TableName }))).Table
        ?.LatestStreamArn as string
      await first.ddb.send(
        new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: false } }),
      )
      closedRange = (await firstShard(first.streams, arn)).SequenceNumberRange
    } finally {
      await first.aws.stop()
    }

    const second = await start()
    try {
      expect((await firstShard(second.streams, arn)).SequenceNumberRange).toEqual(closedRange)
      expect(describeRecords(await readStream(second.streams, arn))).toEqual(['INSERT a'])
      await second.ddb.send(
        new UpdateTableCommand({
          TableName,
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
        }),
      )
      const next = (await second.ddb.send(new DescribeTableCommand({ TableName }))).Table
        ?.LatestStreamArn as string
      expect(next).not.toBe(arn)
      const { SequenceNumberRange } = await firstShard(second.streams, next)
      expect(BigInt(SequenceNumberRange?.StartingSequenceNumber as string)).toBeGreaterThan(
        BigInt((closedRange as { EndingSequenceNumber: string }).EndingSequenceNumber),
      )
    } finally {
      await second.aws.stop()
    }
  })
})
