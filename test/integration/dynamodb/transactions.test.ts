import {
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import {
  conformance,
  dynamoDbTargets,
  pkTable,
  useDynamoDb,
} from '../../support/dynamodb-targets.ts'

for (const target of dynamoDbTargets) {
  const title = `transactions on ${target.name}${target.skip ? ` (skipped: ${target.skip})` : ''}`
  describe.skipIf(target.skip)(title, () => {
    const db = useDynamoDb(target)
    const check = conformance(target)
    const item = async (TableName: string, pk: string) =>
      (
        await db.ddb.send(
          new GetItemCommand({ TableName, Key: { pk: { S: pk } }, ConsistentRead: true }),
        )
      ).Item
    const put = (TableName: string, pk: string, n: number) =>
      db.ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: pk }, n: { N: String(n) } } }))

    describe('TransactWriteItems', () => {
      it('applies Put, Update, Delete and ConditionCheck together', async () => {
        const table = await db.createTable(pkTable)
        await put(table, 'update-me', 1)
        await put(table, 'delete-me', 2)
        await put(table, 'check-me', 3)
        await db.ddb.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { pk: { S: 'new' }, n: { N: '10' } },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: { pk: { S: 'update-me' } },
                  UpdateExpression: 'SET n = n + :d',
                  ExpressionAttributeValues: { ':d': { N: '5' } },
                },
              },
              { Delete: { TableName: table, Key: { pk: { S: 'delete-me' } } } },
              {
                ConditionCheck: {
                  TableName: table,
                  Key: { pk: { S: 'check-me' } },
                  ConditionExpression: 'n = :three',
                  ExpressionAttributeValues: { ':three': { N: '3' } },
                },
              },
            ],
          }),
        )
        expect(await item(table, 'new')).toEqual({ pk: { S: 'new' }, n: { N: '10' } })
        expect(await item(table, 'update-me')).toEqual({ pk: { S: 'update-me' }, n: { N: '6' } })
        expect(await item(table, 'delete-me')).toBeUndefined()
        expect(await item(table, 'check-me')).toEqual({ pk: { S: 'check-me' }, n: { N: '3' } })
      })

      it('writes nothing when a condition fails, with one cancellation reason per action in order', async () => {
        const table = await db.createTable(pkTable)
        await put(table, 'a', 1)
        await put(table, 'b', 2)
        const error = await db.ddb
          .send(
            new TransactWriteItemsCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: table,
                    Key: { pk: { S: 'a' } },
                    UpdateExpression: 'SET n = :v',
                    ExpressionAttributeValues: { ':v': { N: '100' } },
                  },
                },
                {
                  ConditionCheck: {
                    TableName: table,
                    Key: { pk: { S: 'b' } },
                    ConditionExpression: 'n = :wrong',
                    ExpressionAttributeValues: { ':wrong': { N: '99' } },
                    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                  },
                },
                {
                  Put: {
                    TableName: table,
                    Item: { pk: { S: 'a2' }, n: { N: '1' } },
                  },
                },
              ],
            }),
          )
          .catch((e: unknown) => e)
        expect(error).toBeInstanceOf(TransactionCanceledException)
        const canceled = error as TransactionCanceledException
        expect(canceled.message).toMatch(/ConditionalCheckFailed/)
        expect(canceled.CancellationReasons?.map((r) => r.Code)).toEqual([
          'None',
          'ConditionalCheckFailed',
          'None',
        ])
        expect(canceled.CancellationReasons?.[1]?.Item).toEqual({ pk: { S: 'b' }, n: { N: '2' } })
        expect(await item(table, 'a')).toEqual({ pk: { S: 'a' }, n: { N: '1' } })
        expect(await item(table, 'a2')).toBeUndefined()
      })

      it('leaves the item out of a cancellation reason without ALL_OLD', async () => {
        const table = await db.createTable(pkTable)
        await put(table, 'a', 1)
        const error = (await db.ddb
          .send(
            new TransactWriteItemsCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: table,
                    Item: { pk: { S: 'a' }, n: { N: '2' } },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ],
            }),
          )
          .catch((e: unknown) => e)) as TransactionCanceledException
        expect(error.name).toBe('TransactionCanceledException')
        expect(error.CancellationReasons).toHaveLength(1)
        expect(error.CancellationReasons?.[0]?.Code).toBe('ConditionalCheckFailed')
        expect(error.CancellationReasons?.[0]?.Item).toBeUndefined()
      })

      it('rejects two actions on one item with a ValidationException', async () => {
        const table = await db.createTable(pkTable)
        const error = await db.ddb
          .send(
            new TransactWriteItemsCommand({
              TransactItems: [
                { Put: { TableName: table, Item: { pk: { S: 'same' } } } },
                {
                  ConditionCheck: {
                    TableName: table,
                    Key: { pk: { S: 'same' } },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ],
            }),
          )
          .catch((e: unknown) => e)
        expect(error).toMatchObject({
          name: 'ValidationException',
          message: expect.stringMatching(/multiple operations on one item/),
        })
        expect(await item(table, 'same')).toBeUndefined()
      })

      it('rejects more than 100 actions', async () => {
        const table = await db.createTable(pkTable)
        const puts = (count: number): TransactWriteItem[] =>
          Array.from({ length: count }, (_, i) => ({
            Put: { TableName: table, Item: { pk: { S: `item-${i}` } } },
          }))
        await expect(
          db.ddb.send(new TransactWriteItemsCommand({ TransactItems: puts(101) })),
        ).rejects.toMatchObject({
          name: 'ValidationException',
          message: expect.stringMatching(/length less than or equal to 100/),
        })
        await db.ddb.send(new TransactWriteItemsCommand({ TransactItems: puts(100) }))
        expect(await item(table, 'item-99')).toEqual({ pk: { S: 'item-99' } })
      })

      check('transact-write-empty', 'rejects an empty list of actions', async () => {
        await expect(
          db.ddb.send(new TransactWriteItemsCommand({ TransactItems: [] })),
        ).rejects.toMatchObject({ name: 'ValidationException' })
      })

      check('transact-write-4mb', 'rejects items over 4 MB in aggregate', async () => {
        const table = await db.createTable(pkTable)
        const big = 'x'.repeat(390 * 1024)
        const error = await db.ddb
          .send(
            new TransactWriteItemsCommand({
              TransactItems: Array.from({ length: 11 }, (_, i) => ({
                Put: { TableName: table, Item: { pk: { S: `big-${i}` }, data: { S: big } } },
              })),
            }),
          )
          .catch((e: unknown) => e)
        expect(error).toMatchObject({ name: 'ValidationException' })
        expect(await item(table, 'big-0')).toBeUndefined()
      })

      it('names a missing table with ResourceNotFoundException', async () => {
        await expect(
          db.ddb.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                { Put: { TableName: 'no-such-table-here', Item: { pk: { S: 'a' } } } },
              ],
            }),
          ),
        ).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
      })

      check(
        'transact-write-token',
        'treats a repeated ClientRequestToken as done and a changed request with it as a mismatch',
        async () => {
          const table = await db.createTable(pkTable)
          await put(table, 'counter', 0)
          const increment = (by: string) =>
            new TransactWriteItemsCommand({
              ClientRequestToken: `token-${table}`,
              TransactItems: [
                {
                  Update: {
                    TableName: table,
                    Key: { pk: { S: 'counter' } },
                    UpdateExpression: 'SET n = n + :by',
                    ExpressionAttributeValues: { ':by': { N: by } },
                  },
                },
              ],
            })
          await db.ddb.send(increment('1'))
          await db.ddb.send(increment('1'))
          expect(await item(table, 'counter')).toEqual({ pk: { S: 'counter' }, n: { N: '1' } })
          await expect(db.ddb.send(increment('2'))).rejects.toMatchObject({
            name: 'IdempotentParameterMismatchException',
          })
          expect(await item(table, 'counter')).toEqual({ pk: { S: 'counter' }, n: { N: '1' } })
        },
      )

      // JSON objects are unordered: an item's attributes in another order are the same item.
      check(
        'transact-write-token-order',
        'treats a repeat whose item has its attributes in another order as the same request',
        async () => {
          const table = await db.createTable(pkTable)
          const put = (Item: Record<string, { S: string } | { N: string }>) =>
            db.ddb.send(
              new TransactWriteItemsCommand({
                ClientRequestToken: `order-${table}`,
                TransactItems: [{ Put: { TableName: table, Item } }],
              }),
            )
          await put({ pk: { S: 'x' }, a: { S: 'one' }, n: { N: '1' } })
          await put({ n: { N: '1' }, a: { S: 'one' }, pk: { S: 'x' } })
          expect(await item(table, 'x')).toEqual({ pk: { S: 'x' }, a: { S: 'one' }, n: { N: '1' } })
        },
      )

      // TableName: "the name of the table … You can also provide the Amazon Resource Name (ARN)".
      // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Put.html
      check(
        'transact-table-arn',
        'takes a table ARN as TableName in TransactWriteItems and TransactGetItems',
        async () => {
          const table = await db.createTable(pkTable)
          const { Table } = await db.ddb.send(new DescribeTableCommand({ TableName: table }))
          const TableName = Table?.TableArn as string
          await db.ddb.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                { Put: { TableName, Item: { pk: { S: 'by-arn' } } } },
                { Put: { TableName: table, Item: { pk: { S: 'by-name' } } } },
              ],
            }),
          )
          const { Responses } = await db.ddb.send(
            new TransactGetItemsCommand({
              TransactItems: [
                { Get: { TableName, Key: { pk: { S: 'by-arn' } } } },
                { Get: { TableName, Key: { pk: { S: 'by-name' } } } },
              ],
            }),
          )
          expect(Responses).toEqual([
            { Item: { pk: { S: 'by-arn' } } },
            { Item: { pk: { S: 'by-name' } } },
          ])
        },
      )

      it('does not remember the token of a cancelled transaction', async () => {
        const table = await db.createTable(pkTable)
        const request = new TransactWriteItemsCommand({
          ClientRequestToken: `retry-${table}`,
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: { pk: { S: 'x' } },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          ],
        })
        await expect(db.ddb.send(request)).rejects.toMatchObject({
          name: 'TransactionCanceledException',
        })
        await put(table, 'x', 7)
        await db.ddb.send(request)
        expect(await item(table, 'x')).toEqual({ pk: { S: 'x' } })
      })
    })

    // DynamoDB's error dialect on the wire: a validation error is
    // com.amazon.coral.validate#ValidationException whether the layer or dynalite refuses the
    // request, a service error com.amazonaws.dynamodb.v20120810#…, each with a `message`.
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
    describe('error dialect', () => {
      const call = async (action: string, body: object) => {
        const endpoint = await db.ddb.config.endpoint?.()
        const url = `${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}${endpoint?.path ?? '/'}`
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': `DynamoDB_20120810.${action}`,
            authorization:
              'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x',
          },
          body: JSON.stringify(body),
        })
        const json = (await response.json()) as Record<string, unknown>
        return {
          status: response.status,
          type: json.__type,
          hasMessage: typeof json.message === 'string',
        }
      }

      check(
        'error-dialect',
        'answers validation errors as Coral does and service errors in the DynamoDB model',
        async () => {
          const validation = {
            status: 400,
            type: 'com.amazon.coral.validate#ValidationException',
            hasMessage: true,
          }
          const table = await db.createTable(pkTable)
          const put = { Put: { TableName: table, Item: { pk: { S: 'same' } } } }
          // Refused by the layer (two operations on one item) and by dynalite (an empty Item).
          expect(await call('TransactWriteItems', { TransactItems: [put, put] })).toEqual(
            validation,
          )
          expect(await call('PutItem', { TableName: 'x', Item: {} })).toEqual(validation)
          expect(
            await call('DescribeTable', { TableName: `missing-${crypto.randomUUID()}` }),
          ).toEqual({
            status: 400,
            type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
            hasMessage: true,
          })
        },
      )
    })

    describe('TransactGetItems', () => {
      check(
        'transact-get-projection',
        'returns the items in request order, an empty response for a missing one, with projections',
        async () => {
          const table = await db.createTable(pkTable)
          await put(table, 'a', 1)
          await db.ddb.send(
            new PutItemCommand({
              TableName: table,
              Item: { pk: { S: 'b' }, n: { N: '2' }, secret: { S: 's' } },
            }),
          )
          const { Responses } = await db.ddb.send(
            new TransactGetItemsCommand({
              TransactItems: [
                {
                  Get: {
                    TableName: table,
                    Key: { pk: { S: 'b' } },
                    ProjectionExpression: 'pk, #n',
                    ExpressionAttributeNames: { '#n': 'n' },
                  },
                },
                { Get: { TableName: table, Key: { pk: { S: 'missing' } } } },
                { Get: { TableName: table, Key: { pk: { S: 'a' } } } },
              ],
            }),
          )
          expect(Responses).toHaveLength(3)
          expect(Responses?.[0]?.Item).toEqual({ pk: { S: 'b' }, n: { N: '2' } })
          expect(Responses?.[1]?.Item).toBeUndefined()
          expect(Responses?.[2]?.Item).toEqual({ pk: { S: 'a' }, n: { N: '1' } })
        },
      )

      check('transact-get-same-item', 'rejects two gets of one item', async () => {
        const table = await db.createTable(pkTable)
        const get = { Get: { TableName: table, Key: { pk: { S: 'a' } } } }
        await expect(
          db.ddb.send(new TransactGetItemsCommand({ TransactItems: [get, get] })),
        ).rejects.toMatchObject({
          name: 'ValidationException',
          message: expect.stringMatching(/multiple operations on one item/),
        })
      })

      it('rejects a missing table and more than 100 gets', async () => {
        const table = await db.createTable(pkTable)
        const get = (pk: string, TableName = table) => ({
          Get: { TableName, Key: { pk: { S: pk } } },
        })
        await expect(
          db.ddb.send(
            new TransactGetItemsCommand({ TransactItems: [get('a', 'no-such-table-here')] }),
          ),
        ).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
        await expect(
          db.ddb.send(
            new TransactGetItemsCommand({
              TransactItems: Array.from({ length: 101 }, (_, i) => get(`k${i}`)),
            }),
          ),
        ).rejects.toMatchObject({ name: 'ValidationException' })
      })
    })
  })
}
