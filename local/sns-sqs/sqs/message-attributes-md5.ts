import { createHash } from 'node:crypto'

/**
 * MD5OfMessageAttributes as SQS computes it over the attributes it returns: the attributes
 * sorted by name, each encoded as name, data type and value (4-byte big-endian length before
 * each; a transport byte of 1 for String and Number values, 2 for Binary ones).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation
 */
export function md5OfMessageAttributes(
  attributes: Readonly<
    Record<string, { DataType: string; StringValue?: string; BinaryValue?: string | Uint8Array }>
  >,
): string | undefined {
  const names = Object.keys(attributes).sort()
  if (names.length === 0) return undefined
  const hash = createHash('md5')
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(bytes.length)
    hash.update(length)
    hash.update(bytes)
  }
  for (const name of names) {
    const { DataType, StringValue, BinaryValue } = attributes[name] as {
      DataType: string
      StringValue?: string
      BinaryValue?: string | Uint8Array
    }
    field(Buffer.from(name, 'utf8'))
    field(Buffer.from(DataType, 'utf8'))
    if (DataType.startsWith('Binary')) {
      hash.update(Buffer.from([2]))
      field(
        typeof BinaryValue === 'string'
          ? Buffer.from(BinaryValue, 'base64')
          : Buffer.from(BinaryValue ?? []),
      )
    } else {
      hash.update(Buffer.from([1]))
      field(Buffer.from(StringValue ?? '', 'utf8'))
    }
  }
  return hash.digest('hex')
}
