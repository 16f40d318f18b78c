import type { ListStreamsOutput } from '@aws-sdk/client-dynamodb-streams'
import type { Action } from '../actions/action.ts'
import { validateRequest } from '../dynalite-store.ts'
import { streamArnLimits } from './field-limits.ts'

const validation = {
  types: {
    TableName: {
      type: 'String',
      regex: '[a-zA-Z0-9_.-]+',
      lengthGreaterThanOrEqual: 3,
      lengthLessThanOrEqual: 255,
    },
    Limit: { type: 'Integer', greaterThanOrEqual: 1, lessThanOrEqual: 100 },
    ExclusiveStartStreamArn: streamArnLimits,
  },
}

/** ListStreams: every stream still readable (enabled, or disabled less than 24 h ago), oldest first. */
export const listStreams: Action = async (context, request) => {
  const data = validateRequest(context.store, validation, request)
  const limit = (data.Limit as number | undefined) ?? 100
  let streams = context.streams.streams()
  if (data.TableName) streams = streams.filter((s) => s.tableName === data.TableName)
  // Stryker disable next-line ConditionalExpression: without an ARN findIndex gives -1, and slice(0) keeps every stream
  if (data.ExclusiveStartStreamArn) {
    const at = streams.findIndex((s) => s.arn === data.ExclusiveStartStreamArn)
    streams = streams.slice(at + 1)
  }
  const page = streams.slice(0, limit)
  const more = streams.length > limit
  return {
    Streams: page.map((s) => ({ StreamArn: s.arn, TableName: s.tableName, StreamLabel: s.label })),
    ...(more ? { LastEvaluatedStreamArn: page.at(-1)?.arn } : {}),
  } satisfies ListStreamsOutput
}
