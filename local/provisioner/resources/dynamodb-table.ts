import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type LocalSecondaryIndex,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb'
import { generatedName, nameLimits } from '../physical-names.ts'
import type { CreateRequest, ResourceProvider } from '../resource-provider.ts'

type Props = Record<string, unknown>

const tableProperties = [
  'TableName',
  'KeySchema',
  'AttributeDefinitions',
  'BillingMode',
  'ProvisionedThroughput',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
  'StreamSpecification',
  'TimeToLiveSpecification',
]

/** AWS::DynamoDB::Table: `Ref` is the table name; `Arn` and `StreamArn` attributes. */
export const dynamodbTable: ResourceProvider = {
  type: 'AWS::DynamoDB::Table',
  appliedProperties: tableProperties,
  create: (request) => createTable(request, false),
}

/** AWS::DynamoDB::GlobalTable (CDK's TableV2), as one table in the stack's own region. */
export const dynamodbGlobalTable: ResourceProvider = {
  type: 'AWS::DynamoDB::GlobalTable',
  appliedProperties: [...tableProperties, 'Replicas'],
  create: (request) => createTable(request, true),
}

async function createTable(request: CreateRequest, global: boolean) {
  const { logicalId, properties: p, environment, clients } = request
  const tableName =
    (p.TableName as string | undefined) ??
    generatedName(environment.stackName, logicalId, nameLimits.table)
  const billingMode = (p.BillingMode as string | undefined) ?? 'PROVISIONED'
  const provisioned = billingMode === 'PROVISIONED'
  const stream = p.StreamSpecification as Props | undefined
  const input: CreateTableCommandInput = {
    TableName: tableName,
    KeySchema: p.KeySchema as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    BillingMode: billingMode as CreateTableCommandInput['BillingMode'],
    ProvisionedThroughput: provisioned
      ? throughput(p.ProvisionedThroughput ?? globalWriteCapacity(p))
      : undefined,
    GlobalSecondaryIndexes: (p.GlobalSecondaryIndexes as Props[] | undefined)?.map(
      (index): GlobalSecondaryIndex => ({
        IndexName: index.IndexName as string,
        KeySchema: index.KeySchema as GlobalSecondaryIndex['KeySchema'],
        Projection: index.Projection as GlobalSecondaryIndex['Projection'],
        ProvisionedThroughput: provisioned
          ? throughput(index.ProvisionedThroughput ?? globalWriteCapacity(index))
          : undefined,
      }),
    ),
    LocalSecondaryIndexes: (p.LocalSecondaryIndexes as Props[] | undefined)?.map(
      (index): LocalSecondaryIndex => ({
        IndexName: index.IndexName as string,
        KeySchema: index.KeySchema as LocalSecondaryIndex['KeySchema'],
        Projection: index.Projection as LocalSecondaryIndex['Projection'],
      }),
    ),
    StreamSpecification: stream?.StreamViewType
      ? {
          StreamEnabled: stream.StreamEnabled !== false,
          StreamViewType: stream.StreamViewType as 'NEW_IMAGE',
        }
      : undefined,
  }
  try {
    await clients.dynamodb.send(new CreateTableCommand(input))
  } catch (error) {
    // A table kept in --data-dir from an earlier run: use it as it is.
    if (!(error instanceof ResourceInUseException)) throw error
  }
  const ttl = p.TimeToLiveSpecification as Props | undefined
  if (ttl && (ttl.Enabled === true || ttl.Enabled === 'true')) {
    await enableTimeToLive(clients.dynamodb, tableName, String(ttl.AttributeName))
  }
  const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }))
  const attributes: Record<string, unknown> = {
    Arn: Table?.TableArn,
    StreamArn: Table?.LatestStreamArn,
  }
  if (global) attributes.TableId = Table?.TableId
  return { physicalId: tableName, attributes }
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string, attribute: string) {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    )
  } catch (error) {
    // Already enabled (a table kept from an earlier run) is what we want.
    if (!(error instanceof Error && /already enabled/i.test(error.message))) throw error
  }
}

function throughput(value: unknown) {
  const t = (value ?? {}) as Props
  return {
    ReadCapacityUnits: Number(t.ReadCapacityUnits ?? 5),
    WriteCapacityUnits: Number(t.WriteCapacityUnits ?? 5),
  }
}

/** GlobalTable writes capacity as WriteProvisionedThroughputSettings; reads live on replicas. */
function globalWriteCapacity(p: Props): Props | undefined {
  const settings = p.WriteProvisionedThroughputSettings as Props | undefined
  const writeUnits = (settings?.WriteCapacityAutoScalingSettings as Props | undefined)?.MinCapacity
  return writeUnits === undefined
    ? undefined
    : { ReadCapacityUnits: 5, WriteCapacityUnits: writeUnits }
}
