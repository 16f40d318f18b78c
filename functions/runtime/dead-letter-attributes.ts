import type { MessageAttributeValue } from '@aws-sdk/client-sqs'
import type { SQSMessageAttributes } from 'aws-lambda'
import { AWS_LIMITS } from '../../contracts/aws-limits.ts'

/** Why a record was dead-lettered; times are epoch seconds. */
export interface FailureMetadata {
  readonly errorName: string
  readonly errorMessage: string
  readonly consumer: string
  /** Receives of the message so far (ApproximateReceiveCount). */
  readonly attempts: number
  readonly firstFailureAt: number
  readonly lastFailureAt: number
}

/** Longest error message kept: attributes count toward the message size. */
export const maxErrorMessageChars = 1_024

/** The prefix of the failure attributes, or the name of the one JSON attribute. */
export const failureAttribute = 'failure'

/**
 * The DLQ message's attributes: the original ones, plus the failure metadata. SQS allows
 * 10 attributes a message, so the metadata takes six (`failure.errorName`, …) when they
 * fit, else one JSON attribute `failure`; when the original already has 10, the last
 * original attribute moves into that JSON (`overflow`) so nothing is lost. Failure attributes
 * of an earlier dead-lettering (the message was redriven) are replaced, not kept beside these.
 */
export function deadLetterAttributes(
  original: SQSMessageAttributes | undefined,
  failure: FailureMetadata,
): Record<string, MessageAttributeValue> {
  // A redriven message still carries an earlier dead-lettering's metadata: this one replaces it.
  const kept = Object.entries(original ?? {})
    .filter(([name]) => name !== failureAttribute && !name.startsWith(`${failureAttribute}.`))
    .map(([name, value]) => [name, toSdkAttribute(value)] as const)
  const metadata = {
    errorName: sqsText(failure.errorName),
    errorMessage: sqsText(failure.errorMessage.slice(0, maxErrorMessageChars)),
    consumer: failure.consumer,
    attempts: failure.attempts,
    firstFailureAt: new Date(failure.firstFailureAt * 1000).toISOString(),
    lastFailureAt: new Date(failure.lastFailureAt * 1000).toISOString(),
  }
  const max = AWS_LIMITS.sqs.maxMessageAttributes
  if (kept.length + 6 <= max) {
    const out: Record<string, MessageAttributeValue> = Object.fromEntries(kept)
    for (const [name, value] of Object.entries(metadata)) {
      out[`${failureAttribute}.${name}`] =
        typeof value === 'number'
          ? { DataType: 'Number', StringValue: String(value) }
          : { DataType: 'String', StringValue: value }
    }
    return out
  }
  const overflow = kept.splice(max - 1)
  const json = {
    ...metadata,
    ...(overflow.length > 0 ? { overflow: Object.fromEntries(overflow.map(jsonAttribute)) } : {}),
  }
  return {
    ...Object.fromEntries(kept),
    [failureAttribute]: { DataType: 'String', StringValue: JSON.stringify(json) },
  }
}

/** What SQS refuses in a message body or String attribute value (the XML 1.0 characters). */
const refusedBySqs = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/**
 * An error message may quote event data (a parsed `\u0000` is a real NUL), and one refused
 * character would make SQS refuse the whole DLQ message: each becomes U+FFFD.
 */
function sqsText(text: string): string {
  return text.replace(refusedBySqs, '\uFFFD')
}

/** Lambda's record attribute shape to the SDK's SendMessage shape. */
function toSdkAttribute(value: SQSMessageAttributes[string]): MessageAttributeValue {
  if (value.binaryValue !== undefined) {
    return { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue, 'base64') }
  }
  return { DataType: value.dataType, StringValue: value.stringValue ?? '' }
}

function jsonAttribute([name, value]: readonly [string, MessageAttributeValue]) {
  return [
    name,
    value.BinaryValue
      ? { dataType: value.DataType, binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
      : { dataType: value.DataType, stringValue: value.StringValue },
  ] as const
}
