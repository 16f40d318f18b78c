import { Logger } from '@aws-lambda-powertools/logger'
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { documentClient } from '../shared/dynamodb.ts'
import { asOrderPlaced } from '../shared/order-events.ts'
import { processBatch, requireEnv } from '../shared/sqs-batch.ts'
import { authorizePayment } from './authorize.ts'

const logger = new Logger()

/** Consumes order.placed: authorizes the payment and records payment.authorized. */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const deps = {
    client: documentClient(),
    paymentsTable: requireEnv('PAYMENTS_TABLE'),
    eventsTable: requireEnv('EVENTS_TABLE'),
    now: new Date().toISOString(),
  }
  return processBatch(event, logger, async (envelope) =>
    envelope.eventType === 'order.placed'
      ? authorizePayment(asOrderPlaced(envelope), deps)
      : { outcome: 'ignored' },
  )
}
