import { describe, expect, it } from 'vitest'
import { requestUnits } from '../../../../local/dynamodb/request-units.ts'

// On-demand capacity: a write is 1 WRU per started KB of the item, a strongly consistent
// read 1 RRU per started 4 KB (half when eventually consistent), transactional ones twice.
// Complements test/unit/local/request-units.test.ts with the operations it leaves out.
const key = { pk: { S: 'a' } }
const twoKb = { S: 'x'.repeat(1500) }
const fiveKbItem = { pk: { S: 'a' }, body: { S: 'x'.repeat(5000) } }

describe('requestUnits for updates, deletes, batches and large reads', () => {
  it('bills an UpdateItem or a DeleteItem by its key and the values it writes', () => {
    const update = { TableName: 't', Key: key, ExpressionAttributeValues: { ':v': twoKb } }
    expect(requestUnits('UpdateItem', update, {})).toEqual([{ table: 't', write: 2, read: 0 }])
    expect(requestUnits('DeleteItem', { TableName: 't', Key: key }, {})).toEqual([
      { table: 't', write: 1, read: 0 },
    ])
  })

  it('bills each write of a BatchWriteItem on its own table, put or delete', () => {
    const batch = {
      RequestItems: {
        a: [
          { PutRequest: { Item: { pk: { S: 'b' }, body: twoKb } } },
          { DeleteRequest: { Key: key } },
        ],
        b: [{ PutRequest: { Item: key } }],
      },
    }
    expect(requestUnits('BatchWriteItem', batch, {})).toEqual([
      { table: 'a', write: 3, read: 0 },
      { table: 'b', write: 1, read: 0 },
    ])
  })

  it('bills a Query or a Scan by the size of what it returns', () => {
    for (const operation of ['Query', 'Scan']) {
      expect(
        requestUnits(operation, { TableName: 't', ConsistentRead: true }, { Items: [fiveKbItem] }),
      ).toEqual([{ table: 't', write: 0, read: 2 }])
      expect(requestUnits(operation, { TableName: 't' }, { Items: [] })).toEqual([
        { table: 't', write: 0, read: 0.5 },
      ])
    }
  })

  it('bills a read per started 4 KB, and a transactional read twice that', () => {
    expect(
      requestUnits(
        'GetItem',
        { TableName: 't', Key: key, ConsistentRead: true },
        { Item: fiveKbItem },
      ),
    ).toEqual([{ table: 't', write: 0, read: 2 }])
    expect(
      requestUnits(
        'TransactGetItems',
        { TransactItems: [{ Get: { TableName: 't', Key: key } }] },
        { Responses: [{ Item: fiveKbItem }] },
      ),
    ).toEqual([{ table: 't', write: 0, read: 4 }])
  })
})
