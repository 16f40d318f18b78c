import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { beforeAll, describe, expect, it } from 'vitest'
import { demoOrder, demoSkus } from '../../../cli/demo-orders.ts'
import { seedDemoStock } from '../../../cli/demo-stock.ts'
import { reserveStock } from '../../../functions/consumers/inventory/stock.ts'
import type { OrderPlaced } from '../../../functions/consumers/shared/order-events.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'

describe('demo stock for pipeline dev', () => {
  const embedded = useEmbeddedAws()
  const table = 'inventory'
  let client: DynamoDBDocumentClient

  beforeAll(async () => {
    const dynamodb = new DynamoDBClient(emulatorClientConfig(embedded.endpoint))
    await dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'sku', AttributeType: 'S' }],
      }),
    )
    client = DynamoDBDocumentClient.from(dynamodb)
  })

  it('stocks every demo SKU, so the inventory consumer reserves demo orders', async () => {
    expect(await seedDemoStock(client, table, 100)).toBe(demoSkus.length)
    const placed = demoOrder(0)[0] as OrderPlaced
    const outcome = await reserveStock(placed, { client, table, now: new Date().toISOString() })
    expect(outcome.outcome).toBe('reserved')
  })

  it('keeps the counts of SKUs already in stock', async () => {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: { sku: 'SKU-MUG' },
        UpdateExpression: 'SET available = :n',
        ExpressionAttributeValues: { ':n': 7 },
      }),
    )
    expect(await seedDemoStock(client, table, 100)).toBe(0)
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: { sku: 'SKU-MUG' } }),
    )
    expect(Item?.available).toBe(7)
  })
})
