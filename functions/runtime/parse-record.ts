import type { SQSRecord } from 'aws-lambda'
import type * as z from 'zod/mini'
import type { EventDefinition } from '../catalogue/define-event.ts'
import { describeIssues } from '../catalogue/describe-issues.ts'
import type { EventEnvelope } from '../catalogue/envelope.ts'
import { eventEnvelope } from '../catalogue/envelope.ts'
import { EventValidationError, UpcastError } from '../catalogue/errors.ts'
import { readEventAs, unreachableVersion } from '../catalogue/upcast-event.ts'
import { InvalidRecordError } from './errors.ts'
import { parseJsonStrictly } from './parse-json-strictly.ts'
import { checkRoutingAttributes, routingAttributesOf } from './routing-attributes.ts'

export interface ParsedRecord {
  readonly event: EventEnvelope
  readonly definition: EventDefinition
  /** `sns` when the body is SNS's notification JSON (raw message delivery off). */
  readonly delivery: 'raw' | 'sns'
}

/**
 * Reads one SQS record as an event of this consumer: size and depth, JSON, SNS
 * notification unwrapping, the envelope, its routing attributes against its body, the
 * event type and version, then the payload schema. Throws
 * `InvalidRecordError` naming what is wrong; never looks at other records.
 */
export function parseRecord(
  record: SQSRecord,
  definitions: ReadonlyMap<string, EventDefinition>,
  maxBodyBytes: number,
): ParsedRecord {
  const bytes = Buffer.byteLength(record.body)
  if (bytes > maxBodyBytes) {
    throw new InvalidRecordError(
      'oversize',
      `record body is ${bytes} bytes; this consumer accepts at most ${maxBodyBytes}`,
    )
  }
  let body = parseJsonStrictly(record.body, 'record body')
  let delivery: ParsedRecord['delivery'] = 'raw'
  let attributes = routingAttributesOf(record)
  if (isSnsNotification(body)) {
    attributes = routingAttributesOf(record, body)
    body = parseJsonStrictly(body.Message, 'SNS notification Message')
    delivery = 'sns'
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidRecordError('schema', `event is not a JSON object (got ${describe(body)})`)
  }
  const fields = body as Record<string, unknown>
  const missing = ['eventId', 'eventType'].filter(
    (key) => typeof fields[key] !== 'string' || fields[key] === '',
  )
  if (missing.length > 0) {
    throw new InvalidRecordError(
      'missing-id',
      `event has no ${missing.join(' and no ')} (a non-empty string is required)`,
    )
  }
  const envelope = eventEnvelope.safeParse(body)
  if (!envelope.success) {
    throw new InvalidRecordError('schema', `event ${fields.eventId}: ${issues(envelope.error)}`)
  }
  const { eventType, version, eventId } = envelope.data
  checkRoutingAttributes(attributes, envelope.data)
  const definition = definitions.get(eventType)
  if (!definition) {
    throw new InvalidRecordError(
      'unknown-type',
      `event ${eventId} has type '${eventType}', which this consumer does not handle (it handles ${[...definitions.keys()].join(', ')})`,
    )
  }
  const unreachable = unreachableVersion(definition, version)
  if (unreachable) {
    throw new InvalidRecordError('unreachable-version', `event ${eventId}: ${unreachable}`)
  }
  let event: EventEnvelope
  try {
    event = readEventAs(definition, envelope.data)
  } catch (error) {
    if (error instanceof EventValidationError) {
      throw new InvalidRecordError(
        'schema',
        `event ${eventId} (${eventType} v${version}): ${error.issues.join('; ')}`,
        { cause: error },
      )
    }
    if (error instanceof UpcastError) {
      throw new InvalidRecordError('schema', error.message, { cause: error })
    }
    throw error
  }
  return { event, definition, delivery }
}

function isSnsNotification(
  body: unknown,
): body is { Message: string; MessageAttributes?: unknown } {
  if (body === null || typeof body !== 'object') return false
  const fields = body as Record<string, unknown>
  return (
    fields.Type === 'Notification' &&
    typeof fields.Message === 'string' &&
    typeof fields.TopicArn === 'string'
  )
}

function issues(error: z.core.$ZodError): string {
  return describeIssues(error.issues).join('; ')
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}
