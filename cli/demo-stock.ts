import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb'
import { ORDER_TABLE_SCHEMAS } from '../contracts/order-tables.ts'
import { demoSkus } from './demo-orders.ts'

/**
 * Stocks each demo SKU with `units` available, in the inventory consumer's stock-item shape
 * (functions/consumers/inventory/stock.ts), so demo orders are reserved rather than
 * rejected. An existing stock item is left as it is, so a restart with --data-dir keeps
 * its counts. Resolves to how many SKUs it stocked.
 */
export async function seedDemoStock(
  client: DynamoDBDocumentClient,
  table: string,
  units: number,
  now = new Date(),
): Promise<number> {
  const created = await Promise.all(
    demoSkus.map(async (sku) => {
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: {
              [ORDER_TABLE_SCHEMAS.inventory.partitionKey]: sku,
              available: units,
              reserved: 0,
              updatedAt: now.toISOString(),
            },
            ConditionExpression: 'attribute_not_exists(#sku)',
            ExpressionAttributeNames: { '#sku': ORDER_TABLE_SCHEMAS.inventory.partitionKey },
          }),
        )
        return 1
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return 0
        throw error
      }
    }),
  )
  return created.reduce<number>((sum, n) => sum + n, 0)
}
