import { Logger } from '@aws-lambda-powertools/logger'
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { documentClient } from '../shared/dynamodb.ts'
import { asOrderEvent } from '../shared/order-events.ts'
import { processBatch, requireEnv } from '../shared/sqs-batch.ts'
import { recordNotification } from './notify.ts'

const logger = new Logger()

/** Consumes every order.* event and records the customer notification for it. */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const deps = {
    client: documentClient(),
    table: requireEnv('NOTIFICATIONS_TABLE'),
    now: new Date().toISOString(),
  }
  return processBatch(event, logger, async (envelope) =>
    recordNotification(asOrderEvent(envelope), deps),
  )
}
