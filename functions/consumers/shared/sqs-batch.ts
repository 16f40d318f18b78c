import type { Logger } from '@aws-lambda-powertools/logger'
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda'
import { type Envelope, envelopeSchema } from './order-events.ts'

/**
 * The event in an SQS record's body: the envelope itself with raw message delivery, or
 * inside an SNS notification's `Message` without it.
 */
export function parseRecord(record: SQSRecord): Envelope {
  const body: unknown = JSON.parse(record.body)
  const isNotification =
    typeof body === 'object' &&
    body !== null &&
    (body as { Type?: unknown }).Type === 'Notification' &&
    typeof (body as { Message?: unknown }).Message === 'string'
  const event = isNotification ? JSON.parse((body as { Message: string }).Message) : body
  return envelopeSchema.parse(event)
}

/**
 * Runs `handle` on each record in order and reports the records that failed, so SQS
 * redelivers only those (ReportBatchItemFailures). A record that cannot be parsed fails on
 * its own; after maxReceiveCount receives the queue moves it to the DLQ. When every record
 * failed the invocation throws, so that Lambda's Errors metric (and the error-rate alarm)
 * sees it; SQS then redelivers the whole batch, as it would with the response.
 */
export async function processBatch(
  event: SQSEvent,
  logger: Logger,
  handle: (envelope: Envelope, record: SQSRecord) => Promise<unknown>,
): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = []
  for (const record of event.Records) {
    let envelope: Envelope | undefined
    try {
      envelope = parseRecord(record)
      const outcome = await handle(envelope, record)
      logger.info('processed', {
        messageId: record.messageId,
        eventId: envelope.eventId,
        eventType: envelope.eventType,
        correlationId: envelope.correlationId,
        outcome,
      })
    } catch (error) {
      logger.error('record failed', {
        messageId: record.messageId,
        eventId: envelope?.eventId,
        eventType: envelope?.eventType,
        correlationId: envelope?.correlationId,
        receiveCount: record.attributes.ApproximateReceiveCount,
        error: error as Error,
      })
      failures.push({ itemIdentifier: record.messageId })
    }
  }
  if (failures.length > 0 && failures.length === event.Records.length) {
    throw new Error(`all ${failures.length} records of the batch failed; see the log for each`)
  }
  return { batchItemFailures: failures }
}

/** An environment variable's value; throws naming the variable when it is missing. */
export function requireEnv(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`environment variable ${name} is not set`)
  return value
}
