import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb'
import { sdkTransportConfig } from '../../../contracts/local-transport.ts'
import { traceDynamoDb } from '../../tracing/index.ts'

let client: DynamoDBDocumentClient | undefined

/**
 * The process's one DynamoDB document client. No endpoint is set here: the SDK takes it
 * from AWS_ENDPOINT_URL (LocalStack, the embedded AWS) or uses the Region's; locally it may
 * use the embedded AWS's in-process transport (contracts/local-transport.ts).
 */
export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(traceDynamoDb(new DynamoDBClient(sdkTransportConfig())), {
    marshallOptions: { removeUndefinedValues: true },
  })
  return client
}

/**
 * Items of a table by their partition key, read consistently, 100 keys a request (what
 * BatchGetItem takes), unprocessed keys asked again. Missing items are missing in the map.
 */
export async function batchGetItems(
  client: DynamoDBDocumentClient,
  table: string,
  key: string,
  values: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const items = new Map<string, Record<string, unknown>>()
  for (let i = 0; i < values.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = values
      .slice(i, i + 100)
      .map((value) => ({ [key]: value }))
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
      )
      for (const item of result.Responses?.[table] ?? []) items.set(item[key] as string, item)
      keys = result.UnprocessedKeys?.[table]?.Keys
    }
  }
  return items
}
