import {
  DeleteItemCommand,
  type DynamoDBServiceException,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import {
  conformance,
  dynamoDbTargets,
  pkTable,
  useDynamoDb,
} from '../../support/dynamodb-targets.ts'

for (const target of dynamoDbTargets) {
  const title = `ReturnValuesOnConditionCheckFailure on ${target.name}${target.skip ? ` (skipped: ${target.skip})` : ''}`
  describe.skipIf(target.skip)(title, () => {
    const db = useDynamoDb(target)
    const check = conformance(target)
    const existing = { pk: { S: 'a' }, n: { N: '1' } }
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => {
          throw new Error('the write succeeded; expected a failed condition')
        },
        (error: unknown) => error as DynamoDBServiceException & { Item?: unknown },
      )

    for (const [operation, send] of [
      [
        'PutItem',
        (TableName: string, ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE') =>
          new PutItemCommand({
            TableName,
            Item: { pk: { S: 'a' }, n: { N: '2' } },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure,
          }),
      ],
      [
        'UpdateItem',
        (TableName: string, ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE') =>
          new UpdateItemCommand({
            TableName,
            Key: { pk: { S: 'a' } },
            UpdateExpression: 'SET n = :two',
            ConditionExpression: 'n = :two',
            ExpressionAttributeValues: { ':two': { N: '2' } },
            ReturnValuesOnConditionCheckFailure,
          }),
      ],
      [
        'DeleteItem',
        (TableName: string, ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE') =>
          new DeleteItemCommand({
            TableName,
            Key: { pk: { S: 'a' } },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure,
          }),
      ],
    ] as const) {
      it(`${operation}: ALL_OLD puts the item in ConditionalCheckFailedException; NONE and absent leave it out`, async () => {
        const table = await db.createTable(pkTable)
        await db.ddb.send(new PutItemCommand({ TableName: table, Item: existing }))
        // biome-ignore lint/suspicious/noExplicitAny: one of three command types
        const run = (value?: 'ALL_OLD' | 'NONE') => failure(db.ddb.send(send(table, value) as any))
        const withItem = await run('ALL_OLD')
        expect(withItem.name).toBe('ConditionalCheckFailedException')
        expect(withItem.Item).toEqual(existing)
        expect((await run('NONE')).Item).toBeUndefined()
        expect((await run()).Item).toBeUndefined()
      })
    }

    check(
      'return-values-on-failure-enum',
      'rejects a ReturnValuesOnConditionCheckFailure outside ALL_OLD and NONE',
      async () => {
        const table = await db.createTable(pkTable)
        await expect(
          db.ddb.send(
            new PutItemCommand({
              TableName: table,
              Item: existing,
              // @ts-expect-error: an invalid value on purpose
              ReturnValuesOnConditionCheckFailure: 'ALL_NEW',
            }),
          ),
        ).rejects.toMatchObject({ name: 'ValidationException' })
      },
    )

    it('has no item to return when the condition fails on an absent item', async () => {
      const table = await db.createTable(pkTable)
      const error = await failure(
        db.ddb.send(
          new UpdateItemCommand({
            TableName: table,
            Key: { pk: { S: 'absent' } },
            UpdateExpression: 'SET n = :one',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':one': { N: '1' } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      )
      expect(error.name).toBe('ConditionalCheckFailedException')
      expect(error.Item).toBeUndefined()
    })
  })
}
