import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useDynamoDbLayers } from '../../support/dynamodb-layer.ts'

// The embedded DynamoDB memoizes parsed expressions (local/dynamodb/expression-cache.ts); to a
// client each request must still be judged on its own values and names, the tenth repeat of an
// expression as the first: a condition against the values it carries, an update writing them,
// and DynamoDB's ValidationException for a value or a name the expressions leave unused.
describe('expressions repeated with other values, names and types', () => {
  const layers = useDynamoDbLayers()
  let send: Awaited<ReturnType<typeof layers.open>>['send']
  beforeAll(async () => {
    const layer = await layers.open()
    send = layer.send
    await layer.createTable('orders')
  })
  afterAll(() => layers.close())

  const put = (pk: string, item: object) =>
    send('PutItem', { TableName: 'orders', Item: { pk: { S: pk }, ...item } })
  const get = async (pk: string) =>
    (await send('GetItem', { TableName: 'orders', Key: { pk: { S: pk } } })).body.Item

  it('judges each repeat of a condition by its own values', async () => {
    await put('c', { n: { N: '1' }, tags: { L: [{ S: 'x' }] } })
    const check = (n: string, tag: string) =>
      send('UpdateItem', {
        TableName: 'orders',
        Key: { pk: { S: 'c' } },
        UpdateExpression: 'SET seen = :n',
        ConditionExpression: 'n = :n AND tags[0] = :tag AND (n < :ten OR n > :ten)',
        ExpressionAttributeValues: { ':n': { N: n }, ':tag': { S: tag }, ':ten': { N: '10' } },
      })
    for (let round = 0; round < 4; round++) {
      expect((await check('1', 'x')).status, `round ${round}`).toBe(200)
      const failed = await check('2', 'x')
      expect(failed.body.__type).toMatch(/ConditionalCheckFailedException/)
      expect((await check('1', 'y')).body.__type).toMatch(/ConditionalCheckFailedException/)
    }
  })

  it('writes each repeat’s own values, a value used twice in both places', async () => {
    for (const [round, value] of ['a', 'b', 'c', 'd'].entries()) {
      const reply = await send('UpdateItem', {
        TableName: 'orders',
        Key: { pk: { S: 'u' } },
        UpdateExpression: 'SET #a = :v, #b = :v, #l = list_append(if_not_exists(#l, :empty), :one)',
        ExpressionAttributeNames: { '#a': 'a', '#b': 'b', '#l': 'l' },
        ExpressionAttributeValues: {
          ':v': { S: value },
          ':empty': { L: [] },
          ':one': { L: [{ N: String(round) }] },
        },
        ReturnValues: 'ALL_NEW',
      })
      expect(reply.status).toBe(200)
      expect(reply.body.Attributes.a).toEqual({ S: value })
      expect(reply.body.Attributes.b).toEqual({ S: value })
      expect(reply.body.Attributes.l.L).toHaveLength(round + 1)
    }
    expect((await get('u'))?.l).toEqual({ L: [0, 1, 2, 3].map((i) => ({ N: String(i) })) })
  })

  it('refuses, on every repeat, a value or a name the expressions leave unused', async () => {
    const update = (values: object, names: object) =>
      send('UpdateItem', {
        TableName: 'orders',
        Key: { pk: { S: 'v' } },
        UpdateExpression: 'SET #a = :a',
        ExpressionAttributeNames: { '#a': 'a', ...names },
        ExpressionAttributeValues: { ':a': { S: 'x' }, ...values },
      })
    for (let round = 0; round < 3; round++) {
      expect((await update({}, {})).status).toBe(200)
      const extraValue = await update({ ':extra': { S: 'y' } }, {})
      expect(extraValue.status).toBe(400)
      expect(extraValue.body.message).toMatch(/ExpressionAttributeValues unused.*:extra/)
      const extraName = await update({}, { '#extra': 'e' })
      expect(extraName.status).toBe(400)
      expect(extraName.body.message).toMatch(/ExpressionAttributeNames unused.*#extra/)
    }
  })

  it('checks each repeat’s value types: a number where a string was is still refused or accepted as DynamoDB would', async () => {
    await put('t', { s: { S: 'a' } })
    const condition = (value: object) =>
      send('UpdateItem', {
        TableName: 'orders',
        Key: { pk: { S: 't' } },
        UpdateExpression: 'SET seen = :v',
        ConditionExpression: 'begins_with(s, :v)',
        ExpressionAttributeValues: { ':v': value },
      })
    for (let round = 0; round < 3; round++) {
      expect((await condition({ S: 'a' })).status).toBe(200)
      expect((await condition({ S: 'b' })).body.__type).toMatch(/ConditionalCheckFailedException/)
      const wrongType = await condition({ BOOL: true })
      expect(wrongType.status).toBe(400)
      expect(wrongType.body.__type).toMatch(/ValidationException/)
    }
  })
})
