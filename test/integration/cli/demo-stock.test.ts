import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { beforeAll, describe, expect, it } from 'vitest'
import { demoOrder, demoSkus, scarceSku, scarceStock } from '../../../cli/demo-orders.ts'
import { seedDemoStock } from '../../../cli/demo-stock.ts'
import { stockEffects } from '../../../functions/consumers/inventory/stock-effects.ts'
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
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'events',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
        ],
      }),
    )
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'conflicted',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'sku', AttributeType: 'S' }],
      }),
    )
    client = DynamoDBDocumentClient.from(dynamodb)
  })

  const decide = (placed: OrderPlaced) =>
    stockEffects(placed, { client, table, eventsTable: 'events', now: new Date() })
  const none = { declined: 0, outOfStock: 0, cancel: 0 }

  it('retries a stock item that meets a transaction on it, as AWS says to', async () => {
    // Every put conflicts for a moment (as while the consumers' transactions hold the items).
    await embedded.aws.faults.set('dynamodb.PutItem:conflict=100%')
    const clear = setTimeout(() => void embedded.aws.faults.clear(), 300)
    try {
      await seedDemoStock(client, 'conflicted', 5)
    } catch (error) {
      clearTimeout(clear)
      await embedded.aws.faults.clear()
      throw error
    }
    const reports = await embedded.aws.faults.report()
    expect(reports['dynamodb.PutItem']?.errors.conflict).toBeGreaterThan(0)
    const kettle = await client.send(
      new GetCommand({ TableName: 'conflicted', Key: { sku: 'SKU-KETTLE' } }),
    )
    expect(kettle.Item).toMatchObject({ available: 5, reserved: 0 })
  })

  it('stocks every demo SKU, so the inventory consumer reserves demo orders', async () => {
    expect(await seedDemoStock(client, table, 100)).toBe(demoSkus.length + 1)
    const { placed } = demoOrder(none)
    expect((await decide(placed as OrderPlaced)).decided).toEqual(['inventory.reserved'])
  })

  it('stocks the scarce SKU with few units, fewer than an out-of-stock order asks', async () => {
    const { placed, branch } = demoOrder({ ...none, outOfStock: 1 })
    expect(branch).toBe('out-of-stock')
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: { sku: scarceSku } }),
    )
    expect(Item?.available).toBe(scarceStock)
    expect((await decide(placed as OrderPlaced)).decided).toEqual(['inventory.rejected'])
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
