/** How long a shard iterator stays valid, as in DynamoDB Streams. */
export const shardIteratorLifetimeMs = 15 * 60 * 1000

/** Where a reader is in a shard: after the record with sequence number `after`. */
export interface ShardPosition {
  readonly streamArn: string
  readonly shardId: string
  readonly after: string
  readonly issuedAtMs: number
}

/** An opaque shard iterator string that carries its position. */
export function encodeShardIterator(position: ShardPosition): string {
  const { streamArn, shardId, after, issuedAtMs } = position
  return Buffer.from(JSON.stringify([streamArn, shardId, after, issuedAtMs])).toString('base64url')
}

/** The position an iterator carries, or undefined when it is not one of ours. */
export function decodeShardIterator(iterator: string): ShardPosition | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(iterator, 'base64url').toString('utf8'))
    if (!Array.isArray(decoded) || decoded.length !== 4) return undefined
    const [streamArn, shardId, after, issuedAtMs] = decoded
    if (typeof streamArn !== 'string' || typeof shardId !== 'string') return undefined
    if (typeof after !== 'string' || !/^\d{21}$/.test(after) || typeof issuedAtMs !== 'number') {
      return undefined
    }
    return { streamArn, shardId, after, issuedAtMs }
  } catch {
    return undefined
  }
}
