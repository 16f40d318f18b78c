import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import { dynamoDbTargets, useDynamoDb } from '../../support/dynamodb-targets.ts'

// What any DynamoDB's item store keeps, whatever it holds in memory: every way of reading an
// item sees the last write, however it was written; a deleted table's items and name are gone.

const table: Pick<CreateTableCommandInput, 'KeySchema' | 'AttributeDefinitions'> = {
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ],
}

const key = (sk: string) => ({ pk: { S: 'p' }, sk: { S: sk } })

for (const target of dynamoDbTargets) {
  const title = `the item store on ${target.name}${target.skip ? ` (skipped: ${target.skip})` : ''}`
  describe.skipIf(target.skip)(title, () => {
    const db = useDynamoDb(target)

    /** The item as GetItem (consistent), BatchGetItem, TransactGetItems and Query each read it. */
    const readEveryWay = async (TableName: string, sk: string) => {
      const get = await db.ddb.send(
        new GetItemCommand({ TableName, Key: key(sk), ConsistentRead: true }),
      )
      const batch = await db.ddb.send(
        new BatchGetItemCommand({
          RequestItems: { [TableName]: { Keys: [key(sk)], ConsistentRead: true } },
        }),
      )
      const transact = await db.ddb.send(
        new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName, Key: key(sk) } }] }),
      )
      const query = await db.ddb.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :p AND sk = :s',
          ExpressionAttributeValues: { ':p': { S: 'p' }, ':s': { S: sk } },
          ConsistentRead: true,
        }),
      )
      return {
        get: get.Item,
        batch: batch.Responses?.[TableName]?.[0],
        transact: transact.Responses?.[0]?.Item,
        query: query.Items?.[0],
      }
    }
    const expectEveryRead = async (TableName: string, sk: string, item: object | undefined) => {
      expect(await readEveryWay(TableName, sk)).toEqual({
        get: item,
        batch: item,
        transact: item,
        query: item,
      })
    }

    it('reads the last write of an item every way, whichever operation wrote it', async () => {
      const TableName = await db.createTable(table)
      const n = (sk: string, value: string) => ({ ...key(sk), n: { N: value } })

      await db.ddb.send(new PutItemCommand({ TableName, Item: n('put', '1') }))
      await expectEveryRead(TableName, 'put', n('put', '1'))
      await db.ddb.send(new PutItemCommand({ TableName, Item: n('put', '2') }))
      await expectEveryRead(TableName, 'put', n('put', '2'))

      await db.ddb.send(
        new UpdateItemCommand({
          TableName,
          Key: key('put'),
          UpdateExpression: 'ADD n :one SET tag = :tag',
          ExpressionAttributeValues: { ':one': { N: '1' }, ':tag': { S: 'updated' } },
        }),
      )
      await expectEveryRead(TableName, 'put', { ...n('put', '3'), tag: { S: 'updated' } })
      await db.ddb.send(new DeleteItemCommand({ TableName, Key: key('put') }))
      await expectEveryRead(TableName, 'put', undefined)

      await db.ddb.send(
        new BatchWriteItemCommand({
          RequestItems: { [TableName]: [{ PutRequest: { Item: n('batch', '4') } }] },
        }),
      )
      await expectEveryRead(TableName, 'batch', n('batch', '4'))
      await db.ddb.send(
        new BatchWriteItemCommand({
          RequestItems: { [TableName]: [{ DeleteRequest: { Key: key('batch') } }] },
        }),
      )
      await expectEveryRead(TableName, 'batch', undefined)

      await db.ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: n('transact', '5') } },
            { Put: { TableName, Item: n('other', '6') } },
          ],
        }),
      )
      await expectEveryRead(TableName, 'transact', n('transact', '5'))
      await db.ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName,
                Key: key('transact'),
                UpdateExpression: 'SET n = n + :one',
                ExpressionAttributeValues: { ':one': { N: '1' } },
              },
            },
            { Delete: { TableName, Key: key('other') } },
          ],
        }),
      )
      await expectEveryRead(TableName, 'transact', n('transact', '6'))
      await expectEveryRead(TableName, 'other', undefined)
    })

    it('keeps the item as it was when a conditional write or a transaction is refused', async () => {
      const TableName = await db.createTable(table)
      const item = { ...key('kept'), n: { N: '1' } }
      await db.ddb.send(new PutItemCommand({ TableName, Item: item }))
      await expect(
        db.ddb.send(
          new UpdateItemCommand({
            TableName,
            Key: key('kept'),
            UpdateExpression: 'SET n = :two',
            ConditionExpression: 'n = :two',
            ExpressionAttributeValues: { ':two': { N: '2' } },
          }),
        ),
      ).rejects.toThrow()
      await expect(
        db.ddb.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName, Item: { ...key('kept'), n: { N: '3' } } } },
              {
                ConditionCheck: {
                  TableName,
                  Key: key('absent'),
                  ConditionExpression: 'attribute_exists(pk)',
                },
              },
            ],
          }),
        ),
      ).rejects.toThrow()
      await expectEveryRead(TableName, 'kept', item)
    })

    it('answers for a deleted table that it does not exist, and a table created again under its name has none of its items', async () => {
      const TableName = await db.createTable(table)
      await db.ddb.send(new PutItemCommand({ TableName, Item: { ...key('old'), n: { N: '1' } } }))
      await expectEveryRead(TableName, 'old', { ...key('old'), n: { N: '1' } })
      await db.ddb.send(new DeleteTableCommand({ TableName }))
      await expect(
        db.ddb.send(new GetItemCommand({ TableName, Key: key('old') })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException)
      await expect(
        db.ddb.send(new PutItemCommand({ TableName, Item: key('new') })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException)

      await waitUntilGone(TableName)
      await db.ddb.send(
        new CreateTableCommand({ ...table, TableName, BillingMode: 'PAY_PER_REQUEST' }),
      )
      await waitUntilActive(TableName)
      await expectEveryRead(TableName, 'old', undefined)
    })

    const waitUntilGone = async (TableName: string) => {
      for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
        const found = await db.ddb.send(new DescribeTableCommand({ TableName })).then(
          () => true,
          (error: unknown) => !(error instanceof ResourceNotFoundException),
        )
        if (!found) return
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      throw new Error(`table ${TableName} still exists after 120 s`)
    }
    const waitUntilActive = async (TableName: string) => {
      for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
        const { Table } = await db.ddb.send(new DescribeTableCommand({ TableName }))
        if (Table?.TableStatus === 'ACTIVE') return
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      throw new Error(`table ${TableName} is not ACTIVE after 120 s`)
    }
  })
}
