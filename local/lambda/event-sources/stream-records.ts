import type { _Record, AttributeValue } from '@aws-sdk/client-dynamodb-streams'
import type { DynamoDBRecord } from 'aws-lambda'

/**
 * The record Lambda puts in a DynamoDB Streams event: the stream record as the service
 * returns it over the wire, with the creation time in epoch seconds, binary values in
 * base64, and the stream's ARN.
 */
export function toStreamRecord(record: _Record, streamArn: string, region: string): DynamoDBRecord {
  const d = record.dynamodb ?? {}
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? region,
    dynamodb: {
      ApproximateCreationDateTime:
        d.ApproximateCreationDateTime === undefined
          ? undefined
          : Math.floor(new Date(d.ApproximateCreationDateTime).getTime() / 1000),
      Keys: image(d.Keys),
      NewImage: image(d.NewImage),
      OldImage: image(d.OldImage),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
    eventSourceARN: streamArn,
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
  } as DynamoDBRecord
}

function image(item: Record<string, AttributeValue> | undefined) {
  if (!item) return undefined
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, wire(value)]))
}

/** An attribute value as JSON carries it: binaries as base64, maps and lists recursively. */
function wire(value: AttributeValue): unknown {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') }
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) }
  if (value.M !== undefined) return { M: image(value.M) }
  if (value.L !== undefined) return { L: value.L.map(wire) }
  return value
}
