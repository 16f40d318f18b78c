import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateTableCommand,
  type UpdateTableCommandInput,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb'
import { DescribeStreamCommand, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { createDynamoDbLayer, type DynamoDbLayerOptions } from '../../../local/dynamodb/layer.ts'
import { localTransport, portTransport } from '../../../local/wire-service.ts'
import { pkTable } from '../../support/dynamodb-targets.ts'

// Table-level operations and the layer's own controls, on a layer started in this process and
// reached through the SDK over its in-process transport (no HTTP, so each test is quick).

const started: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const stop of started.splice(0)) await stop()
  vi.restoreAllMocks()
})

async function start(options: DynamoDbLayerOptions = {}) {
  const layer = await createDynamoDbLayer({ ttlSweepIntervalMs: 0, ...options })
  const config = {
    ...emulatorClientConfig('http://dynamodb.local', options.region, localTransport(layer.call)),
    maxAttempts: 1,
  }
  const ddb = new DynamoDBClient(config)
  const streams = new DynamoDBStreamsClient(config)
  started.push(async () => {
    ddb.destroy()
    streams.destroy()
    await layer.close()
  })
  const describeTable = async (TableName: string) =>
    (await ddb.send(new DescribeTableCommand({ TableName }))).Table
  const createTable = async (TableName: string, extra: object = {}) => {
    const created = await ddb.send(
      new CreateTableCommand({ ...pkTable, BillingMode: 'PAY_PER_REQUEST', TableName, ...extra }),
    )
    while ((await describeTable(TableName))?.TableStatus !== 'ACTIVE') await sleep(5)
    return created.TableDescription
  }
  const put = (TableName: string, pk: string, extra: object = {}) =>
    ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: pk }, ...extra } }))
  const exists = async (TableName: string, pk: string) =>
    (await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: pk } } }))).Item !== undefined
  const setTtl = (TableName: string, Enabled: boolean, AttributeName = 'expiresAt') =>
    ddb.send(
      new UpdateTimeToLiveCommand({
        TableName,
        TimeToLiveSpecification: { Enabled, AttributeName },
      }),
    )
  /** UpdateTable on the table `orders`. */
  const updateOrders = (input: Omit<UpdateTableCommandInput, 'TableName'>) =>
    ddb.send(new UpdateTableCommand({ TableName: 'orders', ...input }))
  return { layer, ddb, streams, describeTable, createTable, put, exists, setTtl, updateOrders }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const nowSeconds = () => Math.floor(Date.now() / 1000)
const provisioned = {
  BillingMode: 'PROVISIONED',
  ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
} as const

describe('UpdateTable on the embedded DynamoDB', () => {
  it('refuses an update that changes nothing', async () => {
    const db = await start()
    await db.createTable('orders')
    await expect(
      db.ddb.send(new UpdateTableCommand({ TableName: 'orders' })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/^At least one of /),
    })
  })

  it('changes the billing mode and keeps the stream as it was', async () => {
    const db = await start()
    await db.createTable('orders', {
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    })
    const arn = (await db.describeTable('orders'))?.LatestStreamArn
    const { TableDescription } = await db.updateOrders(provisioned)
    expect(TableDescription).toMatchObject({
      BillingModeSummary: { BillingMode: 'PROVISIONED' },
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      LatestStreamArn: arn,
    })
    expect(await db.describeTable('orders')).toMatchObject({
      BillingModeSummary: { BillingMode: 'PROVISIONED' },
      LatestStreamArn: arn,
    })
  })

  it('applies a stream change and a billing change made together', async () => {
    const db = await start()
    await db.createTable('orders')
    const { TableDescription } = await db.updateOrders({
      ...provisioned,
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    })
    expect(TableDescription).toMatchObject({
      BillingModeSummary: { BillingMode: 'PROVISIONED' },
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    })
    expect(TableDescription?.LatestStreamArn).toBeTruthy()
  })

  it('still validates the rest of an update that also changes the stream', async () => {
    const db = await start()
    await db.createTable('orders')
    await expect(
      db.updateOrders({
        BillingMode: 'PROVISIONED',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/ProvisionedThroughput must be specified/),
    })
    expect((await db.describeTable('orders'))?.LatestStreamArn).toBeUndefined()
  })

  it('says, for UpdateTable and for CreateTable in their own words, that enabling a stream takes a view type', async () => {
    const db = await start()
    await db.createTable('orders')
    await expect(
      db.updateOrders({ StreamSpecification: { StreamEnabled: true } }),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/If stream is being enabled then UpdateViewType is required/),
    })
    await expect(
      db.ddb.send(
        new CreateTableCommand({
          ...pkTable,
          TableName: 'streamed',
          BillingMode: 'PAY_PER_REQUEST',
          StreamSpecification: { StreamEnabled: true },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/Table is being created with a stream enabled/),
    })
  })
})

describe('a table being created on the embedded DynamoDB', () => {
  // DescribeTable shows a new table as CREATING until it is ACTIVE (the SDK's waiters poll it).
  it('is described, CREATING and with time to live off, before it is ACTIVE', async () => {
    const db = await start()
    // dynalite makes a table ACTIVE on a timer: held back, the table stays CREATING.
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    try {
      await db.ddb.send(
        new CreateTableCommand({ ...pkTable, TableName: 'orders', BillingMode: 'PAY_PER_REQUEST' }),
      )
      expect((await db.describeTable('orders'))?.TableStatus).toBe('CREATING')
      const { TimeToLiveDescription } = await db.ddb.send(
        new DescribeTimeToLiveCommand({ TableName: 'orders' }),
      )
      expect(TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'DISABLED' })
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('DeleteTable on the embedded DynamoDB', () => {
  it('answers with the table being deleted, and its stream is DISABLED but still described', async () => {
    const db = await start()
    await db.createTable('orders', {
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    })
    const arn = (await db.describeTable('orders'))?.LatestStreamArn as string
    const { TableDescription } = await db.ddb.send(new DeleteTableCommand({ TableName: 'orders' }))
    expect(TableDescription).toMatchObject({
      TableName: 'orders',
      TableStatus: 'DELETING',
      LatestStreamArn: arn,
    })
    const { StreamDescription } = await db.streams.send(
      new DescribeStreamCommand({ StreamArn: arn }),
    )
    expect(StreamDescription?.StreamStatus).toBe('DISABLED')
  })

  it('keeps a deleted table’s stream DISABLED across a restart, also one turned off before', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'table-operations-'))
    try {
      const first = await start({ dataDir })
      const streamed = { StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }
      await first.createTable('orders', streamed)
      await first.createTable('quiet', streamed)
      const arns = [
        (await first.describeTable('orders'))?.LatestStreamArn,
        (await first.describeTable('quiet'))?.LatestStreamArn,
      ]
      await first.ddb.send(
        new UpdateTableCommand({
          TableName: 'quiet',
          StreamSpecification: { StreamEnabled: false },
        }),
      )
      await first.ddb.send(new DeleteTableCommand({ TableName: 'orders' }))
      await first.ddb.send(new DeleteTableCommand({ TableName: 'quiet' }))
      await first.layer.close()

      const second = await start({ dataDir })
      for (const StreamArn of arns) {
        const { StreamDescription } = await second.streams.send(
          new DescribeStreamCommand({ StreamArn }),
        )
        expect(StreamDescription?.StreamStatus).toBe('DISABLED')
      }
    } finally {
      for (const stop of started.splice(0)) await stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('UpdateTimeToLive on the embedded DynamoDB', () => {
  // To change the attribute, time to live is disabled first, then enabled with the new one.
  it('refuses to enable time to live on another attribute while it is enabled', async () => {
    const db = await start()
    await db.createTable('orders')
    await db.setTtl('orders', true, 'expiresAt')
    await expect(db.setTtl('orders', true, 'deleteAfter')).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(
        /TimeToLive is active on a different AttributeName: current AttributeName is expiresAt/,
      ),
    })
  })
})

describe('the time-to-live sweeper of the embedded DynamoDB', () => {
  // "If the epoch time value stored in the attribute is less than the current time, the item
  // is marked as expired": https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html
  it('deletes an item once its expiry time is past, not at that very second', async () => {
    const db = await start()
    await db.createTable('orders')
    await db.setTtl('orders', true)
    const at = nowSeconds() - 60
    await db.put('orders', 'a', { expiresAt: { N: String(at) } })
    expect(await db.layer.sweepExpiredItems(new Date(at * 1000))).toBe(0)
    expect(await db.exists('orders', 'a')).toBe(true)
    expect(await db.layer.sweepExpiredItems(new Date(at * 1000 + 1))).toBe(1)
    expect(await db.exists('orders', 'a')).toBe(false)
    // The item's key is free again: a new write of it goes through.
    await db.put('orders', 'a', { expiresAt: { N: String(nowSeconds() + 3600) } })
    expect(await db.exists('orders', 'a')).toBe(true)
  })

  it('still deletes an item that expired exactly five years ago, and leaves one a second older', async () => {
    const db = await start()
    await db.createTable('orders')
    await db.setTtl('orders', true)
    const now = nowSeconds()
    const fiveYears = 5 * 365 * 24 * 60 * 60
    await db.put('orders', 'five-years', { expiresAt: { N: String(now - fiveYears) } })
    await db.put('orders', 'older', { expiresAt: { N: String(now - fiveYears - 1) } })
    expect(await db.layer.sweepExpiredItems(new Date(now * 1000))).toBe(1)
    expect(await db.exists('orders', 'five-years')).toBe(false)
    expect(await db.exists('orders', 'older')).toBe(true)
  })

  it('sweeps only tables whose time to live is on, beside tables keyed and configured otherwise', async () => {
    const db = await start()
    await db.createTable('with-ttl')
    await db.setTtl('with-ttl', true)
    await db.createTable('ttl-off')
    await db.setTtl('ttl-off', true)
    await db.setTtl('ttl-off', false)
    await db.createTable('stream-only', {
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    })
    await db.ddb.send(
      new CreateTableCommand({
        TableName: 'by-id',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      }),
    )
    while ((await db.describeTable('by-id'))?.TableStatus !== 'ACTIVE') await sleep(5)
    const expired = { expiresAt: { N: String(nowSeconds() - 60) } }
    await db.put('with-ttl', 'x', expired)
    await db.put('ttl-off', 'x', expired)
    await db.put('stream-only', 'x', expired)
    await db.ddb.send(
      new PutItemCommand({ TableName: 'by-id', Item: { id: { S: 'x' }, ...expired } }),
    )

    expect(await db.layer.sweepExpiredItems()).toBe(1)
    expect(await db.exists('with-ttl', 'x')).toBe(false)
    expect(await db.exists('ttl-off', 'x')).toBe(true)
    expect(await db.exists('stream-only', 'x')).toBe(true)
  })

  it('runs on its own every ttlSweepIntervalMs, and no more once the layer is closed', async () => {
    const db = await start({ ttlSweepIntervalMs: 20 })
    await db.createTable('orders')
    await db.setTtl('orders', true)
    await db.put('orders', 'a', { expiresAt: { N: String(nowSeconds() - 60) } })
    const deadline = Date.now() + 5000
    while ((await db.exists('orders', 'a')) && Date.now() < deadline) await sleep(10)
    expect(await db.exists('orders', 'a')).toBe(false)

    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    await db.layer.close()
    await sleep(100)
    expect(errors).not.toHaveBeenCalled()
  })

  it('does not run on its own with ttlSweepIntervalMs 0', async () => {
    const db = await start({ ttlSweepIntervalMs: 0 })
    await db.createTable('orders')
    await db.setTtl('orders', true)
    await db.put('orders', 'a', { expiresAt: { N: String(nowSeconds() - 60) } })
    await sleep(100)
    expect(await db.exists('orders', 'a')).toBe(true)
  })
})

describe('the embedded DynamoDB layer', () => {
  // "A client request token is valid for 10 minutes after the first request that uses it is
  // completed. After 10 minutes, any request with the same client token is treated as a new
  // request": https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
  it('treats a ClientRequestToken as new once its 10 minutes have passed at a sweep', async () => {
    const db = await start()
    await db.createTable('orders')
    const write = (n: string) =>
      db.ddb.send(
        new TransactWriteItemsCommand({
          ClientRequestToken: 'the-token',
          TransactItems: [{ Put: { TableName: 'orders', Item: { pk: { S: 'a' }, n: { N: n } } } }],
        }),
      )
    await write('1')
    await expect(write('2')).rejects.toMatchObject({ name: 'IdempotentParameterMismatchException' })
    await db.layer.sweepExpiredItems(new Date(Date.now() + 11 * 60 * 1000))
    await write('2')
    const { Item } = await db.ddb.send(
      new GetItemCommand({ TableName: 'orders', Key: { pk: { S: 'a' } } }),
    )
    expect(Item?.n).toEqual({ N: '2' })
  })

  it('puts its region in table ARNs, us-east-1 unless told', async () => {
    const west = await start({ region: 'eu-west-3' })
    expect((await west.createTable('orders'))?.TableArn).toMatch(/^arn:aws:dynamodb:eu-west-3:/)
    const plain = await start()
    expect((await plain.createTable('orders'))?.TableArn).toMatch(/^arn:aws:dynamodb:us-east-1:/)
  })

  it('counts the requests it served, injects the faults it is given and reports them', async () => {
    const db = await start()
    await db.createTable('orders')
    await db.put('orders', 'a')
    expect(await db.layer.requestCounts()).toMatchObject({
      'DynamoDB.CreateTable': 1,
      'DynamoDB.PutItem': 1,
    })
    await db.layer.setFaults([
      { service: 'dynamodb', operation: 'GetItem', errors: { throttle: 1 } },
    ])
    await expect(db.exists('orders', 'a')).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
    })
    expect((await db.layer.faultReport())['dynamodb.GetItem']).toMatchObject({
      requests: 1,
      errors: { throttle: 1 },
    })
    await db.layer.setFaults([])
    expect(await db.exists('orders', 'a')).toBe(true)
  })

  it('serves a channel made with connect as it serves its own calls', async () => {
    const db = await start()
    await db.createTable('orders')
    await db.put('orders', 'a', { n: { N: '1' } })
    const port = portTransport(await db.layer.connect())
    const other = new DynamoDBClient({
      ...emulatorClientConfig('http://dynamodb.local', undefined, port),
      maxAttempts: 1,
    })
    try {
      const { Item } = await other.send(
        new GetItemCommand({ TableName: 'orders', Key: { pk: { S: 'a' } } }),
      )
      expect(Item).toEqual({ pk: { S: 'a' }, n: { N: '1' } })
    } finally {
      other.destroy()
      port.close()
    }
  })
})
