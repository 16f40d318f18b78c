import { Logger } from '@aws-lambda-powertools/logger'
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { documentClient } from '../shared/dynamodb.ts'
import { asOrderEvent } from '../shared/order-events.ts'
import { processBatch, requireEnv } from '../shared/sqs-batch.ts'
import { projectOrder } from './order-view.ts'

const logger = new Logger()

/** Consumes every order.* event and upserts the order read model. */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const deps = {
    client: documentClient(),
    table: requireEnv('READ_MODEL_TABLE'),
    now: new Date().toISOString(),
  }
  return processBatch(event, logger, async (envelope) => projectOrder(asOrderEvent(envelope), deps))
}
