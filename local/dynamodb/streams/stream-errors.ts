import { resourceNotFound } from '../errors.ts'

export const streamNotFound = (arn: string) =>
  resourceNotFound(`Requested resource not found: Stream: ${arn} not found`)

export const shardNotFound = (arn: string, shardId: string) =>
  resourceNotFound(`Requested resource not found: Shard: ${shardId} in Stream: ${arn} not found`)
