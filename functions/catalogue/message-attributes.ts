import type { MessageAttributeValue } from '@aws-sdk/client-sns'

/**
 * The SNS message attributes every event carries: `eventType` (String), which subscription
 * filter policies match exactly or by prefix, and `version` (String, the decimal schema
 * version, e.g. "1").
 */
export function eventMessageAttributes(event: {
  eventType: string
  version: number
}): Record<string, MessageAttributeValue> {
  return {
    eventType: { DataType: 'String', StringValue: event.eventType },
    version: { DataType: 'String', StringValue: String(event.version) },
  }
}
