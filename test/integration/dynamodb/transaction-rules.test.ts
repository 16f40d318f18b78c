import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactGetItemsCommand,
  type TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import { embeddedDynamoDb, pkTable, useDynamoDb } from '../../support/dynamodb-targets.ts'

// The rules of TransactWriteItems and TransactGetItems as the API reference states them:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
describe('transaction rules on the embedded DynamoDB', () => {
  const db = useDynamoDb(embeddedDynamoDb)
  const item = async (TableName: string, pk: string) =>
    (
      await db.ddb.send(
        new GetItemCommand({ TableName, Key: { pk: { S: pk } }, ConsistentRead: true }),
      )
    ).Item
  const transact = (TransactItems: TransactWriteItem[], extra: object = {}) =>
    db.ddb.send(new TransactWriteItemsCommand({ TransactItems, ...extra }))
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('the transaction succeeded; expected it to fail')
      },
      (error: unknown) => error as TransactionCanceledException & { Item?: unknown },
    )

  // "Each TransactWriteItem contains a ConditionCheck, Put, Update, or Delete object": one.
  it('refuses an action with two operations or none, and writes nothing', async () => {
    const table = await db.createTable(pkTable)
    const put = { TableName: table, Item: { pk: { S: 'a' } } }
    const both = { Put: put, Delete: { TableName: table, Key: { pk: { S: 'b' } } } }
    for (const action of [both, {}]) {
      const error = await failure(
        transact([{ Put: { ...put, Item: { pk: { S: 'other' } } } }, action]),
      )
      expect(error.name).toBe('ValidationException')
      expect(error.message).toMatch(/only contain one of/)
    }
    expect(await item(table, 'other')).toBeUndefined()
  })

  it('refuses a Put whose item lacks the key and a key with a non-key attribute', async () => {
    const table = await db.createTable(pkTable)
    const missingKey = await failure(
      transact([{ Put: { TableName: table, Item: { n: { N: '1' } } } }]),
    )
    expect(missingKey.name).toBe('ValidationException')
    const extraAttribute = await failure(
      transact([
        {
          ConditionCheck: {
            TableName: table,
            Key: { pk: { S: 'a' }, n: { N: '1' } },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]),
    )
    expect(extraAttribute.name).toBe('ValidationException')
    const getWithExtraAttribute = await failure(
      db.ddb.send(
        new TransactGetItemsCommand({
          TransactItems: [{ Get: { TableName: table, Key: { pk: { S: 'a' }, n: { N: '1' } } } }],
        }),
      ),
    )
    expect(getWithExtraAttribute.name).toBe('ValidationException')
  })

  // Cancellation reason codes: "ConditionalCheckFailed … The conditional request failed" and
  // "ValidationError … An update expression tries to add a number to a string" (among others);
  // the message lists the codes in action order.
  it('cancels with a ValidationError reason for an update the item cannot take, and writes nothing', async () => {
    const table = await db.createTable(pkTable)
    await db.ddb.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' }, n: { S: 'text' } } }),
    )
    await db.ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'b' } } }))
    const error = await failure(
      transact([
        { Put: { TableName: table, Item: { pk: { S: 'new' } } } },
        {
          Update: {
            TableName: table,
            Key: { pk: { S: 'a' } },
            UpdateExpression: 'SET n = n + :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          },
        },
        {
          ConditionCheck: {
            TableName: table,
            Key: { pk: { S: 'b' } },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]),
    )
    expect(error.name).toBe('TransactionCanceledException')
    expect(error.message).toContain('[None, ValidationError, ConditionalCheckFailed]')
    expect(error.CancellationReasons?.[0]).toEqual({ Code: 'None' })
    expect(error.CancellationReasons?.[1]).toMatchObject({
      Code: 'ValidationError',
      Message: expect.stringMatching(/.+/),
    })
    expect(error.CancellationReasons?.[2]).toEqual({
      Code: 'ConditionalCheckFailed',
      Message: 'The conditional request failed',
    })
    expect(await item(table, 'new')).toBeUndefined()
    expect(await item(table, 'a')).toEqual({ pk: { S: 'a' }, n: { S: 'text' } })
  })

  // "The aggregate size of the items in the transaction cannot exceed 4 MB": 4 MB itself fits.
  it('takes items of exactly 4 MB in aggregate and refuses one byte more', async () => {
    const table = await db.createTable(pkTable)
    // An item's size is its attribute names' and values' UTF-8 lengths: 'pk' + 'big-N' + 'data'.
    const overhead = (i: number) => 'pk'.length + `big-${i}`.length + 'data'.length
    const perItem = 380 * 1024
    let last = 4 * 1024 * 1024 - 10 * perItem
    for (let i = 0; i < 11; i++) last -= overhead(i)
    const puts = (extra: number): TransactWriteItem[] =>
      Array.from({ length: 11 }, (_, i) => ({
        Put: {
          TableName: table,
          Item: { pk: { S: `big-${i}` }, data: { S: 'x'.repeat(i < 10 ? perItem : last + extra) } },
        },
      }))
    const over = await failure(transact(puts(1)))
    expect(over.name).toBe('ValidationException')
    expect(await item(table, 'big-0')).toBeUndefined()
    await transact(puts(0))
    expect((await item(table, 'big-10'))?.data?.S).toHaveLength(last)
  })

  it('applies a transaction sent twice without a ClientRequestToken twice', async () => {
    const table = await db.createTable(pkTable)
    const increment: TransactWriteItem[] = [
      {
        Update: {
          TableName: table,
          Key: { pk: { S: 'c' } },
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
        },
      },
    ]
    await transact(increment)
    await transact(increment)
    expect(await item(table, 'c')).toEqual({ pk: { S: 'c' }, n: { N: '2' } })
    // A changed request under a used token is refused, naming the token.
    await transact(increment, { ClientRequestToken: `t-${table}` })
    const reused = await failure(
      transact([{ Put: { TableName: table, Item: { pk: { S: 'd' } } } }], {
        ClientRequestToken: `t-${table}`,
      }),
    )
    expect(reused.name).toBe('IdempotentParameterMismatchException')
    expect(reused.message).toContain(`t-${table}`)
  })

  // "A transactional write request of an item up to 1 KB requires two write units", per table.
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
  it('reports two write units per KB of each item, per table, when asked for TOTAL or INDEXES', async () => {
    const first = await db.createTable(pkTable)
    const second = await db.createTable(pkTable)
    const actions: TransactWriteItem[] = [
      { Put: { TableName: first, Item: { pk: { S: 'small' } } } },
      // 2 + 5 + 4 + 1,500 bytes: two KB, four units.
      { Put: { TableName: first, Item: { pk: { S: 'large' }, data: { S: 'x'.repeat(1500) } } } },
      { Put: { TableName: second, Item: { pk: { S: 'small' } } } },
    ]
    for (const ReturnConsumedCapacity of ['TOTAL', 'INDEXES'] as const) {
      const { ConsumedCapacity } = await transact(actions, { ReturnConsumedCapacity })
      const byTable = Object.fromEntries(
        (ConsumedCapacity ?? []).map((c) => [c.TableName, c.CapacityUnits]),
      )
      expect(byTable).toEqual({ [first]: 6, [second]: 2 })
    }
    for (const ReturnConsumedCapacity of ['NONE', undefined] as const) {
      const { ConsumedCapacity } = await transact(actions, { ReturnConsumedCapacity })
      expect(ConsumedCapacity).toBeUndefined()
    }
  })

  // Transactions write the item and its index entries together; an index entry follows the item.
  it('moves and removes secondary index entries with the items a transaction changes', async () => {
    const table = await db.createTable({
      KeySchema: pkTable.KeySchema,
      AttributeDefinitions: [
        ...pkTable.AttributeDefinitions,
        { AttributeName: 'status', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatus',
          KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    })
    const byStatus = async (status: string) =>
      (
        await db.ddb.send(
          new QueryCommand({
            TableName: table,
            IndexName: 'byStatus',
            KeyConditionExpression: '#s = :s',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':s': { S: status } },
          }),
        )
      ).Items?.map((i) => i.pk?.S)
    await transact([
      { Put: { TableName: table, Item: { pk: { S: 'a' }, status: { S: 'open' } } } },
      { Put: { TableName: table, Item: { pk: { S: 'b' }, status: { S: 'open' } } } },
    ])
    await transact([
      {
        Update: {
          TableName: table,
          Key: { pk: { S: 'a' } },
          UpdateExpression: 'SET #s = :closed',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':closed': { S: 'closed' } },
        },
      },
      { Delete: { TableName: table, Key: { pk: { S: 'b' } } } },
    ])
    expect(await byStatus('open')).toEqual([])
    expect(await byStatus('closed')).toEqual(['a'])
    // A single-item write moves its entry the same way.
    await db.ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: 'a' } },
        UpdateExpression: 'REMOVE #s',
        ExpressionAttributeNames: { '#s': 'status' },
      }),
    )
    expect(await byStatus('closed')).toEqual([])
  })

  // ReturnValuesOnConditionCheckFailure returns the item with a failed condition only: another
  // refusal of a write on an existing item carries no item.
  it('returns no item with an UpdateItem refused for another reason than its condition', async () => {
    const table = await db.createTable(pkTable)
    await db.ddb.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' }, n: { S: 'text' } } }),
    )
    const error = await failure(
      db.ddb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: 'a' } },
          UpdateExpression: 'SET n = n + :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': { N: '1' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    )
    expect(error.name).toBe('ValidationException')
    expect(error.Item).toBeUndefined()
  })
})
