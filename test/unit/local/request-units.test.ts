import { describe, expect, it } from 'vitest'
import { requestUnits } from '../../../local/dynamodb/request-units.ts'

const small = { id: { S: 'a' } }
const twoKb = { id: { S: 'b' }, body: { S: 'x'.repeat(1500) } }

describe('requestUnits (what AWS would bill for a request, per table)', () => {
  it('a write is a unit a started KB, a transactional one two, each on its own table', () => {
    expect(requestUnits('PutItem', { TableName: 't', Item: twoKb }, {})).toEqual([
      { table: 't', write: 2, read: 0 },
    ])
    const transaction = {
      TransactItems: [
        { Put: { TableName: 'events', Item: twoKb } },
        { ConditionCheck: { TableName: 'events', Key: small } },
        { Update: { TableName: 'idempotency', Key: small, ExpressionAttributeValues: {} } },
      ],
    }
    expect(requestUnits('TransactWriteItems', transaction, {})).toEqual([
      { table: 'events', write: 4, read: 0 },
      { table: 'events', write: 2, read: 0 },
      { table: 'idempotency', write: 2, read: 0 },
    ])
  })

  it('a read is a unit a started 4 KB, half when eventually consistent, per table read', () => {
    expect(requestUnits('GetItem', { TableName: 't', Key: small }, { Item: small })).toEqual([
      { table: 't', write: 0, read: 0.5 },
    ])
    const batch = { RequestItems: { a: { Keys: [small], ConsistentRead: true }, b: { Keys: [] } } }
    expect(
      requestUnits('BatchGetItem', batch, { Responses: { a: [small, small], b: [small] } }),
    ).toEqual([
      { table: 'a', write: 0, read: 2 },
      { table: 'b', write: 0, read: 0.5 },
    ])
    expect(
      requestUnits(
        'TransactGetItems',
        { TransactItems: [{ Get: { TableName: 'a', Key: small } }] },
        { Responses: [{ Item: small }] },
      ),
    ).toEqual([{ table: 'a', write: 0, read: 2 }])
  })

  it('a request that writes or reads nothing bills nothing', () => {
    expect(requestUnits('DescribeTable', { TableName: 't' }, {})).toEqual([])
  })
})
