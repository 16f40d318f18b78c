import {
  DescribeTableCommand,
  type DynamoDBClient,
  ScanCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb'
import { CliError } from './cli-error.ts'

/**
 * Refuses to replay a read model into a table other than its own when that table holds rows
 * or is not shaped like the read model's own table (its keys and indexes): a replay writes
 * the read model's rows by their keys, so it would overwrite another table's rows that
 * share a key name. `force` replays anyway. A missing table is left to the replay to report.
 */
export async function checkReplayTarget(
  dynamodb: DynamoDBClient,
  readModel: string,
  table: string,
  liveTable: string,
  force: boolean,
): Promise<void> {
  if (table === liveTable || force) return
  const [target, live] = await Promise.all([
    describe(dynamodb, table),
    describe(dynamodb, liveTable),
  ])
  if (!target || !live) return
  const problems: string[] = []
  const first = await dynamodb.send(
    new ScanCommand({ TableName: table, Limit: 1, ConsistentRead: true }),
  )
  const sample = first.Items?.[0]
  if (sample) {
    // One page of a COUNT scan: an exact count of a small table, a floor of a large one.
    const page = await dynamodb.send(
      new ScanCommand({ TableName: table, Select: 'COUNT', Limit: countedRows }),
    )
    const count = `${page.Count ?? 1}${page.LastEvaluatedKey ? ' or more' : ''}`
    problems.push(
      `it is not empty (it holds ${count} row(s), the first with attributes ${Object.keys(sample).sort().join(', ')}): the replay would overwrite rows that share a key with ${readModel} rows`,
    )
  }
  const theirs = shapeOf(target)
  const ours = shapeOf(live)
  if (theirs !== ours) {
    problems.push(
      `its schema is not the ${readModel} read model's (${theirs}; ${liveTable} has ${ours})`,
    )
  }
  if (problems.length > 0) {
    throw new CliError(
      `refusing to replay ${readModel} into ${table}: ${problems.join('; and ')}. Give an empty table created like ${liveTable}, or pass --force to replay into it anyway`,
    )
  }
}

/** Rows counted at most to say how full a refused table is. */
const countedRows = 1000

async function describe(
  dynamodb: DynamoDBClient,
  table: string,
): Promise<TableDescription | undefined> {
  try {
    return (await dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined
    throw error
  }
}

/** A table's keys and its global secondary indexes' keys, as one line to compare and show. */
function shapeOf(table: TableDescription): string {
  const types = new Map(
    (table.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]),
  )
  const keys = (schema: TableDescription['KeySchema']) =>
    (schema ?? []).map((k) => `${k.AttributeName} (${types.get(k.AttributeName)})`).join(' + ')
  const indexes = (table.GlobalSecondaryIndexes ?? [])
    .map((index) => `index ${index.IndexName} on ${keys(index.KeySchema)}`)
    .sort()
  return [`key ${keys(table.KeySchema)}`, ...(indexes.length > 0 ? indexes : ['no index'])].join(
    ', ',
  )
}
