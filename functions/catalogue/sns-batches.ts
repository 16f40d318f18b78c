import type { MessageAttributeValue } from '@aws-sdk/client-sns'
import { AWS_LIMITS } from '../../contracts/aws-limits.ts'

/** A message's size as SNS counts it against its limits: the body plus every attribute. */
export function snsMessageBytes(
  message: string,
  attributes: Readonly<Record<string, MessageAttributeValue>> = {},
): number {
  let bytes = Buffer.byteLength(message)
  for (const [name, value] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '')
    bytes += Buffer.byteLength(value.StringValue ?? '')
  }
  return bytes
}

/**
 * Consecutive groups of at most 10 items whose sizes add up to at most 256 KiB: the
 * PublishBatch requests that send them in order. An item over the limit goes alone (SNS
 * then refuses it, and says why).
 */
export function* snsBatches<T extends { readonly bytes: number }>(
  items: readonly T[],
): Generator<T[]> {
  let batch: T[] = []
  let bytes = 0
  for (const item of items) {
    if (
      batch.length === AWS_LIMITS.sns.maxBatchEntries ||
      (batch.length > 0 && bytes + item.bytes > AWS_LIMITS.sns.maxPayloadBytes)
    ) {
      yield batch
      batch = []
      bytes = 0
    }
    batch.push(item)
    bytes += item.bytes
  }
  if (batch.length > 0) yield batch
}
