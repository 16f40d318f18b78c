import { createKey } from 'dynalite/db/index.js'
import { afterEach, describe, expect, it } from 'vitest'
import { getItem, getTable, lockItems } from '../../../local/dynamodb/dynalite-store.ts'
import { commitChanges } from '../../../local/dynamodb/item-writes.ts'
import { sweepExpiredItems } from '../../../local/dynamodb/ttl-sweeper.ts'
import { sleep, useDynamoDbLayers } from '../../support/dynamodb-layer.ts'

// What the layer's commits promise where only its own store can make them fail or race:
// a write that fails in storage leaves no stream record, and the time-to-live sweeper
// deletes only what is still expired once it holds the item's lock.

const layers = useDynamoDbLayers()
afterEach(layers.close)
const layer = () => layers.open()

describe('the DynamoDB layer’s commits', () => {
  it('writes no stream record for a write that failed in storage, and the stream goes on after it', async () => {
    const { context, send, createTable } = await layer()
    const created = await createTable('orders', {
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    })
    const arn = created.body.TableDescription.LatestStreamArn as string
    const put = (pk: string) => send('PutItem', { TableName: 'orders', Item: { pk: { S: pk } } })
    expect((await put('before')).status).toBe(200)
    const { db } = context.store
    const batch = db.batch.bind(db)
    db.batch = (async () => {
      db.batch = batch
      throw new Error('disk full')
    }) as typeof db.batch
    expect((await put('failed')).status).toBeGreaterThanOrEqual(400)
    expect((await put('after')).status).toBe(200)

    const { records } = context.streams.read(arn, context.streams.trimHorizon(arn), 100)
    expect(records.map((record) => record.dynamodb.Keys?.pk?.S)).toEqual(['before', 'after'])
    const missing = await send('GetItem', { TableName: 'orders', Key: { pk: { S: 'failed' } } })
    expect(missing.body.Item).toBeUndefined()
  })

  it('keeps an item that was renewed while the sweeper waited for its lock', async () => {
    const { context, send, createTable } = await layer()
    await createTable('leases')
    await send('UpdateTimeToLive', {
      TableName: 'leases',
      TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
    })
    const now = Math.floor(Date.now() / 1000)
    await send('PutItem', {
      TableName: 'leases',
      Item: { pk: { S: 'renewed' }, expiresAt: { N: String(now - 10) } },
    })
    const table = await getTable(context.store, 'leases')
    const key = createKey({ pk: { S: 'renewed' } }, table)
    // Hold the item's lock, as a write in progress does, while the sweeper finds it expired.
    const release = await lockItems(context.store, [{ tableName: 'leases', key }])
    const sweeping = sweepExpiredItems(context, Date.now())
    await sleep(200)
    const expired = await getItem(context.store, 'leases', key)
    await commitChanges(context, [
      {
        table,
        key,
        oldItem: expired,
        newItem: { ...expired, expiresAt: { N: String(now + 3600) } },
      },
    ])
    release()
    expect(await sweeping).toBe(0)
    expect((await getItem(context.store, 'leases', key))?.expiresAt).toEqual({
      N: String(now + 3600),
    })
  })
})
