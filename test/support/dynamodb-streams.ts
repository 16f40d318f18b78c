import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams'

/** The one shard of a stream (emulators never split; tests on AWS write too little to split). */
export async function firstShard(streams: DynamoDBStreamsClient, StreamArn: string) {
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }))
  const shard = StreamDescription?.Shards?.[0]
  if (!shard?.ShardId) throw new Error(`stream ${StreamArn} has no shard`)
  return { ...shard, ShardId: shard.ShardId }
}

/**
 * Every record a stream's first shard gives from an iterator of the given type, read until a
 * GetRecords call returns nothing more.
 */
export async function readStream(
  streams: DynamoDBStreamsClient,
  StreamArn: string,
  from: { type: ShardIteratorType; sequenceNumber?: string } = { type: 'TRIM_HORIZON' },
): Promise<_Record[]> {
  const { ShardId } = await firstShard(streams, StreamArn)
  let { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({
      StreamArn,
      ShardId,
      ShardIteratorType: from.type,
      SequenceNumber: from.sequenceNumber,
    }),
  )
  const records: _Record[] = []
  for (let call = 0; ShardIterator && call < 1000; call++) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator }))
    records.push(...(page.Records ?? []))
    if (!page.Records?.length) break
    ShardIterator = page.NextShardIterator
  }
  return records
}

/** `INSERT a`, `MODIFY a`, ...: a compact view of records for assertions. */
export const describeRecords = (records: _Record[], keyName = 'pk') =>
  records.map((r) => `${r.eventName} ${r.dynamodb?.Keys?.[keyName]?.S}`)
