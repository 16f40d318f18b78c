import { Logger } from '@aws-lambda-powertools/logger'
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { documentClient } from '../shared/dynamodb.ts'
import { asOrderCancelled, asOrderPlaced } from '../shared/order-events.ts'
import { processBatch, requireEnv } from '../shared/sqs-batch.ts'
import { releaseStock, reserveStock } from './stock.ts'

const logger = new Logger()

/** Consumes order.placed (reserve stock) and order.cancelled (release it). */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const deps = {
    client: documentClient(),
    table: requireEnv('INVENTORY_TABLE'),
    now: new Date().toISOString(),
  }
  return processBatch(event, logger, async (envelope) => {
    switch (envelope.eventType) {
      case 'order.placed':
        return reserveStock(asOrderPlaced(envelope), deps)
      case 'order.cancelled':
        return releaseStock(asOrderCancelled(envelope), deps)
      default:
        return { outcome: 'ignored' }
    }
  })
}
