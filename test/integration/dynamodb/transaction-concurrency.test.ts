import { createKey } from 'dynalite/db/index.js'
import { afterEach, describe, expect, it } from 'vitest'
import { getTable, lockItems } from '../../../local/dynamodb/dynalite-store.ts'
import { sleep, useDynamoDbLayers } from '../../support/dynamodb-layer.ts'

// What a transaction does while its items are in use or its storage fails, where only the
// layer's own store lets a test hold an item's lock (as a write in progress does) or fail a read.

const layers = useDynamoDbLayers()
afterEach(layers.close)

/** A layer with a `counters` table holding `c` = 0, and what a test needs to hold `c`'s lock. */
async function countersLayer(options: Parameters<typeof layers.open>[0] = {}) {
  const layer = await layers.open(options)
  await layer.createTable('counters')
  await layer.send('PutItem', { TableName: 'counters', Item: { pk: { S: 'c' }, n: { N: '0' } } })
  const table = await getTable(layer.context.store, 'counters')
  const holdItem = (pk: string) =>
    lockItems(layer.context.store, [
      { tableName: 'counters', key: createKey({ pk: { S: pk } }, table) },
    ])
  const counter = async () =>
    (await layer.send('GetItem', { TableName: 'counters', Key: { pk: { S: 'c' } } })).body.Item
  const increment = (ClientRequestToken?: string) =>
    layer.send('TransactWriteItems', {
      ...(ClientRequestToken ? { ClientRequestToken } : {}),
      TransactItems: [
        {
          Update: {
            TableName: 'counters',
            Key: { pk: { S: 'c' } },
            UpdateExpression: 'SET n = n + :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          },
        },
      ],
    })
  return { ...layer, holdItem, counter, increment }
}

describe('a transaction on items in use', () => {
  it('waits for the write that holds its item, then applies on top of it', async () => {
    const { holdItem, increment, counter } = await countersLayer()
    const release = await holdItem('c')
    let settled = false
    const running = increment().finally(() => {
      settled = true
    })
    await sleep(100)
    expect(settled).toBe(false)
    expect(await counter()).toEqual({ pk: { S: 'c' }, n: { N: '0' } })
    release()
    expect((await running).status).toBe(200)
    expect(await counter()).toEqual({ pk: { S: 'c' }, n: { N: '1' } })
  })

  // "TransactionInProgressException: The transaction with the given request token is already
  // in progress." A repeat of a token that has committed is answered as done, writing nothing.
  // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
  it('refuses a repeat of its ClientRequestToken while it runs, and answers a repeat after it as done', async () => {
    const { holdItem, increment, counter } = await countersLayer()
    const release = await holdItem('c')
    const first = increment('retried-token')
    await sleep(50)
    const repeat = await increment('retried-token')
    expect(repeat).toMatchObject({
      status: 400,
      body: {
        __type: expect.stringMatching(/#TransactionInProgressException$/),
        message: expect.stringContaining('retried-token'),
      },
    })
    release()
    expect((await first).status).toBe(200)
    expect((await increment('retried-token')).status).toBe(200)
    expect(await counter()).toEqual({ pk: { S: 'c' }, n: { N: '1' } })
    // Another token is another transaction.
    expect((await increment('next-token')).status).toBe(200)
    expect(await counter()).toEqual({ pk: { S: 'c' }, n: { N: '2' } })
  })
})

describe('a transaction whose storage fails', () => {
  it('fails when reading its items fails, writes nothing, and frees its token for a retry', async () => {
    const { context, send, counter } = await countersLayer()
    // Would overwrite `c` if the failed read were taken for an absent item.
    const replace = () =>
      send('TransactWriteItems', {
        ClientRequestToken: 'after-a-read-failure',
        TransactItems: [
          {
            Put: {
              TableName: 'counters',
              Item: { pk: { S: 'c' }, n: { N: '5' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      })
    const { db } = context.store
    const get = db.get
    db.get = ((_key: string, cb?: (err: Error | null, value?: unknown) => void) => {
      db.get = get
      if (typeof cb === 'function') return cb(new Error('disk read failed'))
      return Promise.reject(new Error('disk read failed'))
    }) as typeof db.get
    const failed = await replace()
    expect(failed.status).toBeGreaterThanOrEqual(500)
    expect(await counter()).toEqual({ pk: { S: 'c' }, n: { N: '0' } })
    // The retry runs (the token is free again) and now sees the item.
    const retried = await replace()
    expect(retried.body.__type).toMatch(/#TransactionCanceledException$/)
    expect(await counter()).toEqual({ pk: { S: 'c' }, n: { N: '0' } })
  })

  it('reads items absent from LevelDB as absent when items are not kept in memory', async () => {
    const { send, increment, counter } = await countersLayer({ itemsInMemory: false })
    const created = await send('TransactWriteItems', {
      TransactItems: [
        {
          Put: {
            TableName: 'counters',
            Item: { pk: { S: 'new' } },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    })
    expect(created.status).toBe(200)
    expect((await increment()).status).toBe(200)
    expect(await counter()).toEqual({ pk: { S: 'c' }, n: { N: '1' } })
    const read = await send('TransactGetItems', {
      TransactItems: [{ Get: { TableName: 'counters', Key: { pk: { S: 'new' } } } }],
    })
    expect(read.body.Responses).toEqual([{ Item: { pk: { S: 'new' } } }])
  })
})
