import type { SQSRecord } from 'aws-lambda'
import { idempotencyKey } from '../../contracts/idempotency-table.ts'
import type { ConsumerRuntime } from './consumer-runtime.ts'
import { parseRecord } from './parse-record.ts'
import { recordLogger } from './record-logger.ts'
import type { Invalid, Valid } from './record-state.ts'

/** Read: parses and validates one record on its own; never throws. */
export function readRecord(runtime: ConsumerRuntime, record: SQSRecord): Invalid | Valid {
  const attempt = Number(record.attributes.ApproximateReceiveCount) || 1
  try {
    const { event } = parseRecord(record, runtime.definitions, runtime.config.maxBodyBytes)
    return {
      state: 'valid',
      record,
      attempt,
      event,
      key: idempotencyKey(runtime.config.name, event.eventId),
      log: recordLogger(runtime.logger, {
        eventId: event.eventId,
        eventType: event.eventType,
        correlationId: event.correlationId,
        messageId: record.messageId,
      }),
    }
  } catch (error) {
    return {
      state: 'invalid',
      record,
      attempt,
      error,
      log: recordLogger(runtime.logger, { messageId: record.messageId }),
    }
  }
}
