import type { SQSRecord } from 'aws-lambda'

/**
 * When the message in an SQS record was published: the SNS notification's `Timestamp` when
 * the body is one (SNS → SQS without raw delivery), otherwise when SQS received it.
 */
export function publishedAt(record: SQSRecord): number {
  const sent = Number(record.attributes.SentTimestamp)
  if (!record.body.startsWith('{')) return sent
  try {
    const body = JSON.parse(record.body) as { Type?: unknown; Timestamp?: unknown }
    if (body.Type === 'Notification' && typeof body.Timestamp === 'string') {
      const at = Date.parse(body.Timestamp)
      if (Number.isFinite(at)) return at
    }
  } catch {
    // not JSON: SentTimestamp it is
  }
  return sent
}

/** The event envelope carried by an SQS record (raw, or inside an SNS notification), if any. */
export function envelopeOf(record: SQSRecord): { eventId: string; eventType: string } | undefined {
  try {
    let body = JSON.parse(record.body) as Record<string, unknown>
    if (body.Type === 'Notification' && typeof body.Message === 'string') {
      body = JSON.parse(body.Message) as Record<string, unknown>
    }
    if (typeof body.eventId === 'string' && typeof body.eventType === 'string') {
      return { eventId: body.eventId, eventType: body.eventType }
    }
  } catch {
    // not an event
  }
  return undefined
}
