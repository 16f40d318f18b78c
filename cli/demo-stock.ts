import {
  ConditionalCheckFailedException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb'
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb'
import { ORDER_TABLE_SCHEMAS } from '../contracts/order-tables.ts'
import { demoSkus, scarceSku, scarceStock } from './demo-orders.ts'

/** The stock `pipeline dev` starts each demo SKU with: `units` each, the scarce SKU its few. */
export function demoStockLevels(units: number): Record<string, number> {
  return { ...Object.fromEntries(demoSkus.map((sku) => [sku, units])), [scarceSku]: scarceStock }
}

/** Tries of a stock item's put that meets a transaction on it. */
const conflictAttempts = 6

/**
 * Stocks each demo SKU with `units` available (the scarce one with its few), in the
 * inventory consumer's stock-item shape (functions/consumers/inventory/stock-effects.ts), so
 * demo orders are reserved rather than rejected. An existing stock item is left as it is, so
 * a restart with --data-dir keeps its counts. Resolves to how many SKUs it stocked.
 */
export async function seedDemoStock(
  client: DynamoDBDocumentClient,
  table: string,
  units: number,
  now = new Date(),
): Promise<number> {
  const created = await Promise.all(
    Object.entries(demoStockLevels(units)).map(async ([sku, available]) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await client.send(
            new PutCommand({
              TableName: table,
              Item: {
                [ORDER_TABLE_SCHEMAS.inventory.partitionKey]: sku,
                available,
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
          // AWS refuses a write that meets a transaction on the item and says to retry it
          // (the SDK does not); the consumers' transactions touch stock items all the time.
          if (error instanceof TransactionConflictException && attempt < conflictAttempts) {
            await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt))
            continue
          }
          throw error
        }
      }
    }),
  )
  return created.reduce<number>((sum, n) => sum + n, 0)
}
