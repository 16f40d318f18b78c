import type { GetShardIteratorOutput } from '@aws-sdk/client-dynamodb-streams'
import type { Action } from '../actions/action.ts'
import { validateRequest } from '../dynalite-store.ts'
import { DynamoDbError, validationException } from '../errors.ts'
import { shardIdLimits, streamArnLimits } from './field-limits.ts'
import { encodeShardIterator } from './shard-iterator.ts'
import { shardNotFound, streamNotFound } from './stream-errors.ts'

const validation = {
  types: {
    StreamArn: { ...streamArnLimits, notNull: true },
    ShardId: { ...shardIdLimits, notNull: true },
    ShardIteratorType: {
      type: 'String',
      notNull: true,
      enum: ['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'],
    },
    SequenceNumber: {
      type: 'String',
      lengthGreaterThanOrEqual: 21,
      lengthLessThanOrEqual: 40,
    },
  },
}

/** GetShardIterator: TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER. */
export const getShardIterator: Action = async (context, request) => {
  const data = validateRequest(context.store, validation, request)
  const arn = data.StreamArn as string
  const shardId = data.ShardId as string
  const type = data.ShardIteratorType as string
  const sequenceNumber = data.SequenceNumber as string | undefined
  const info = context.streams.stream(arn)
  if (!info) throw streamNotFound(arn)
  if (info.shardId !== shardId) throw shardNotFound(arn, shardId)

  let after: string
  if (type === 'TRIM_HORIZON') after = context.streams.trimHorizon(arn)
  else if (type === 'LATEST') after = context.streams.latest(arn)
  else {
    if (!sequenceNumber) {
      throw validationException(`SequenceNumber is required when ShardIteratorType is ${type}`)
    }
    if (!/^\d{21}$/.test(sequenceNumber)) {
      throw validationException(`Invalid SequenceNumber: ${sequenceNumber}`)
    }
    if (sequenceNumber <= context.streams.trimHorizon(arn)) {
      throw new DynamoDbError(
        'TrimmedDataAccessException',
        `SequenceNumber ${sequenceNumber} is before the trim horizon of shard ${shardId}: its record has expired`,
      )
    }
    // The shard's StartingSequenceNumber is a valid position even before its first record.
    if (
      sequenceNumber !== info.startingSequenceNumber &&
      !context.streams.has(arn, sequenceNumber)
    ) {
      throw validationException(
        `Invalid SequenceNumber: ${sequenceNumber} is not a record of shard ${shardId} in stream ${arn}`,
      )
    }
    after =
      type === 'AFTER_SEQUENCE_NUMBER' ? sequenceNumber : (BigInt(sequenceNumber) - 1n).toString()
  }
  return {
    ShardIterator: encodeShardIterator({ streamArn: arn, shardId, after, issuedAtMs: Date.now() }),
  } satisfies GetShardIteratorOutput
}
