/**
 * The on-demand request units a request would consume on AWS, estimated from the items it
 * carries and returns, for the bench's bill: a write is 1 WRU per started KB of the item, a
 * read 1 RRU per started 4 KB (half of it when eventually consistent), a transactional write
 * or read twice that (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/capacity-mode.html).
 * An item's size is taken as the length of its JSON, which overstates DynamoDB's
 * (names plus values) a little, so the bill is an upper estimate. Streams reads by Lambda are free.
 *
 * Units are given per table, so the bill can tell the idempotency records' share from the
 * handlers' effects (one transaction can write both).
 */

type Json = Record<string, unknown>

export interface RequestUnits {
  readonly table: string
  readonly write: number
  readonly read: number
}

const kb = (value: unknown) => Math.max(1, Math.ceil(JSON.stringify(value ?? {}).length / 1024))
const readUnits = (value: unknown, consistent: unknown) =>
  Math.max(1, Math.ceil(JSON.stringify(value ?? {}).length / 4096)) * (consistent ? 1 : 0.5)
const tableOf = (request: Json) => String(request.TableName ?? '')
/** The item's size is unknown for an update: its key and the values written stand in for it. */
const updated = (body: Json | undefined) => ({
  ...(body?.Key as Json),
  ...(body?.ExpressionAttributeValues as Json),
})

/** What `operation` (a DynamoDB operation name) consumed on each table, given its request and result. */
export function requestUnits(operation: string, request: Json, result: Json): RequestUnits[] {
  switch (operation) {
    case 'PutItem':
      return [{ table: tableOf(request), write: kb(request.Item), read: 0 }]
    case 'UpdateItem':
    case 'DeleteItem':
      return [{ table: tableOf(request), write: kb(updated(request)), read: 0 }]
    case 'BatchWriteItem':
      return Object.entries((request.RequestItems ?? {}) as Record<string, Json[]>).map(
        ([table, writes]) => ({
          table,
          write: writes.reduce(
            (sum, w) => sum + kb((w.PutRequest as Json)?.Item ?? (w.DeleteRequest as Json)?.Key),
            0,
          ),
          read: 0,
        }),
      )
    case 'TransactWriteItems':
      // Every action, a ConditionCheck included, is a transactional write: two units a KB.
      return ((request.TransactItems ?? []) as Json[]).map((action) => {
        const [body] = Object.values(action) as Json[]
        return { table: tableOf(body ?? {}), write: 2 * kb(body?.Item ?? updated(body)), read: 0 }
      })
    case 'GetItem':
      return [
        { table: tableOf(request), write: 0, read: readUnits(result.Item, request.ConsistentRead) },
      ]
    case 'BatchGetItem': {
      const asked = (request.RequestItems ?? {}) as Record<string, Json>
      return Object.entries((result.Responses ?? {}) as Record<string, Json[]>).map(
        ([table, items]) => ({
          table,
          write: 0,
          read: items.reduce((sum, item) => sum + readUnits(item, asked[table]?.ConsistentRead), 0),
        }),
      )
    }
    case 'Query':
    case 'Scan':
      return [
        {
          table: tableOf(request),
          write: 0,
          read: readUnits(result.Items, request.ConsistentRead),
        },
      ]
    case 'TransactGetItems': {
      const gets = (request.TransactItems ?? []) as Json[]
      const items = (result.Responses ?? []) as Json[]
      return items.map((response, index) => ({
        table: tableOf(((gets[index]?.Get ?? {}) as Json) ?? {}),
        write: 0,
        read: 2 * readUnits(response.Item, true),
      }))
    }
    default:
      return []
  }
}
