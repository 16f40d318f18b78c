import type { SQSRecord } from 'aws-lambda'
import { EVENT_MESSAGE_ATTRIBUTES } from '../../contracts/message-attributes.ts'
import { InvalidRecordError } from './errors.ts'

/** The bus's routing attributes as a record carries them; absent when it has none. */
export interface RoutingAttributes {
  readonly eventType?: string
  readonly version?: string
}

/**
 * The routing attributes of a record: its SQS message attributes (raw delivery), or the
 * `MessageAttributes` of the SNS notification in its body (raw delivery off).
 */
export function routingAttributesOf(
  record: Pick<SQSRecord, 'messageAttributes'>,
  notification?: { readonly MessageAttributes?: unknown },
): RoutingAttributes {
  const names = EVENT_MESSAGE_ATTRIBUTES
  if (notification) {
    const attributes = (notification.MessageAttributes ?? {}) as Record<string, { Value?: unknown }>
    const value = (name: string) => {
      const v = attributes[name]?.Value
      return typeof v === 'string' ? v : undefined
    }
    return { eventType: value(names.eventType.name), version: value(names.version.name) }
  }
  const attributes = record.messageAttributes ?? {}
  return {
    eventType: attributes[names.eventType.name]?.stringValue,
    version: attributes[names.version.name]?.stringValue,
  }
}

/**
 * Refuses an event whose routing attributes contradict its body: the subscriptions routed
 * it by the attributes, so a handler reading the body would act on an event the bus did
 * not route as such. An absent attribute contradicts nothing (a message sent to the queue
 * directly, or redriven from a DLQ that dropped it).
 */
export function checkRoutingAttributes(
  attributes: RoutingAttributes,
  event: { readonly eventId: string; readonly eventType: string; readonly version: number },
): void {
  const conflicts: string[] = []
  const { eventType, version } = EVENT_MESSAGE_ATTRIBUTES
  if (attributes.eventType !== undefined && attributes.eventType !== event.eventType) {
    conflicts.push(
      `its ${eventType.name} attribute is '${attributes.eventType}' but its body's eventType is '${event.eventType}'`,
    )
  }
  if (attributes.version !== undefined && attributes.version !== String(event.version)) {
    conflicts.push(
      `its ${version.name} attribute is '${attributes.version}' but its body's version is ${event.version}`,
    )
  }
  if (conflicts.length > 0) {
    throw new InvalidRecordError(
      'attribute-mismatch',
      `event ${event.eventId}: ${conflicts.join('; ')} (the bus routes by the attributes, the handler would read the body)`,
    )
  }
}
