import type { Action } from '../actions/action.ts'
import { validateRequest } from '../dynalite-store.ts'
import { DynamoDbError, validationException } from '../errors.ts'
import {
  decodeShardIterator,
  encodeShardIterator,
  shardIteratorLifetimeMs,
} from './shard-iterator.ts'
import { shardNotFound, streamNotFound } from './stream-errors.ts'

const validation = {
  types: {
    ShardIterator: {
      type: 'String',
      notNull: true,
      lengthGreaterThanOrEqual: 1,
      lengthLessThanOrEqual: 2048,
    },
    Limit: { type: 'Integer', greaterThanOrEqual: 1, lessThanOrEqual: 1000 },
  },
}

/**
 * GetRecords: the records after the iterator's position, in order; NextShardIterator is absent
 * once a closed shard (disabled stream) has been read to its end.
 */
export const getRecords: Action = async (context, request) => {
  const data = validateRequest(context.store, validation, request)
  const position = decodeShardIterator(data.ShardIterator as string)
  if (!position) throw validationException('Invalid ShardIterator')
  const nowMs = Date.now()
  if (nowMs - position.issuedAtMs > shardIteratorLifetimeMs) {
    throw new DynamoDbError(
      'ExpiredIteratorException',
      'Iterator expired. The iterator was created more than 15 minutes ago.',
    )
  }
  const info = context.streams.stream(position.streamArn)
  if (!info) throw streamNotFound(position.streamArn)
  if (info.shardId !== position.shardId) throw shardNotFound(position.streamArn, position.shardId)
  if (position.after < context.streams.trimHorizon(position.streamArn)) {
    throw new DynamoDbError(
      'TrimmedDataAccessException',
      'The iterator points before the trim horizon of its shard: those records have expired',
    )
  }
  const { records, position: after } = context.streams.read(
    position.streamArn,
    position.after,
    (data.Limit as number | undefined) ?? 1000,
  )
  const done = context.streams.exhausted(position.streamArn, after)
  return {
    Records: records,
    ...(done
      ? {}
      : {
          NextShardIterator: encodeShardIterator({ ...position, after, issuedAtMs: nowMs }),
        }),
  }
}
