/**
 * The on-demand request units a request would consume on AWS, estimated from the items it
 * carries and returns, for the bench's bill: a write is 1 WRU per started KB of the item, a
 * read 1 RRU per started 4 KB (half of it when eventually consistent), a transactional write
 * or read twice that (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/capacity-mode.html).
 * An item's size is taken as the length of its JSON, which overstates DynamoDB's
 * (names plus values) a little, so the bill is an upper estimate. Streams reads by Lambda are free.
 */

type Json = Record<string, unknown>

export interface RequestUnits {
  readonly write: number
  readonly read: number
}

const kb = (value: unknown) => Math.max(1, Math.ceil(JSON.stringify(value ?? {}).length / 1024))
const readUnits = (value: unknown, consistent: unknown) =>
  Math.max(1, Math.ceil(JSON.stringify(value ?? {}).length / 4096)) * (consistent ? 1 : 0.5)

/** What `operation` (a DynamoDB operation name) consumed, given its request and result. */
export function requestUnits(operation: string, request: Json, result: Json): RequestUnits {
  switch (operation) {
    case 'PutItem':
      return { write: kb(request.Item), read: 0 }
    case 'UpdateItem':
    case 'DeleteItem':
      // The item's size is unknown here: its key and the values written stand in for it.
      return {
        write: kb({ ...(request.Key as Json), ...(request.ExpressionAttributeValues as Json) }),
        read: 0,
      }
    case 'BatchWriteItem': {
      const writes = Object.values((request.RequestItems ?? {}) as Record<string, Json[]>).flat()
      return {
        write: writes.reduce(
          (sum, w) => sum + kb((w.PutRequest as Json)?.Item ?? (w.DeleteRequest as Json)?.Key),
          0,
        ),
        read: 0,
      }
    }
    case 'TransactWriteItems': {
      const items = (request.TransactItems ?? []) as Json[]
      return {
        write: items.reduce((sum, action) => {
          const [body] = Object.values(action) as Json[]
          return (
            sum +
            2 *
              kb(
                body?.Item ?? {
                  ...(body?.Key as Json),
                  ...(body?.ExpressionAttributeValues as Json),
                },
              )
          )
        }, 0),
        read: 0,
      }
    }
    case 'GetItem':
      return { write: 0, read: readUnits(result.Item, request.ConsistentRead) }
    case 'BatchGetItem': {
      const consistent = Object.values((request.RequestItems ?? {}) as Record<string, Json>).some(
        (t) => t.ConsistentRead,
      )
      const items = Object.values((result.Responses ?? {}) as Record<string, Json[]>).flat()
      return { write: 0, read: items.reduce((sum, item) => sum + readUnits(item, consistent), 0) }
    }
    case 'Query':
    case 'Scan':
      return { write: 0, read: readUnits(result.Items, request.ConsistentRead) }
    case 'TransactGetItems': {
      const items = (result.Responses ?? []) as Json[]
      return { write: 0, read: items.reduce((sum, r) => sum + 2 * readUnits(r.Item, true), 0) }
    }
    default:
      return { write: 0, read: 0 }
  }
}
