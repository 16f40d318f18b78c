import type { Action } from '../actions/action.ts'
import { validateRequest } from '../dynalite-store.ts'
import { shardIdLimits, streamArnLimits } from './field-limits.ts'
import { streamNotFound } from './stream-errors.ts'

const validation = {
  types: {
    StreamArn: { ...streamArnLimits, notNull: true },
    Limit: { type: 'Integer', greaterThanOrEqual: 1, lessThanOrEqual: 100 },
    ExclusiveStartShardId: shardIdLimits,
  },
}

/** DescribeStream: a stream and its one shard (the layer never splits shards). */
export const describeStream: Action = async (context, request) => {
  const data = validateRequest(context.store, validation, request)
  const arn = data.StreamArn as string
  const info = context.streams.stream(arn)
  if (!info) throw streamNotFound(arn)
  const shards =
    data.ExclusiveStartShardId === info.shardId
      ? []
      : [
          {
            ShardId: info.shardId,
            SequenceNumberRange: {
              StartingSequenceNumber: info.startingSequenceNumber,
              ...(info.endingSequenceNumber
                ? { EndingSequenceNumber: info.endingSequenceNumber }
                : {}),
            },
          },
        ]
  return {
    StreamDescription: {
      StreamArn: info.arn,
      StreamLabel: info.label,
      StreamStatus: info.status,
      StreamViewType: info.viewType,
      CreationRequestDateTime: info.createdAt,
      TableName: info.tableName,
      KeySchema: info.keySchema,
      Shards: shards,
    },
  }
}
