import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Where a DynamoDB Streams mapping keeps its position in each shard: the sequence number of
 * the last record it settled (delivered, or discarded after its retries), as Lambda keeps a
 * mapping's position across deployments and restarts. A crash between a delivery and its
 * checkpoint delivers that batch again: at least once, as on AWS.
 */
export interface StreamCheckpoints {
  /** The last settled sequence number of the mapping in the stream's shard, if any. */
  get(mappingId: string, streamArn: string, shardId: string): string | undefined
  set(mappingId: string, streamArn: string, shardId: string, sequenceNumber: string): void
}

/** Positions kept in memory only: a restart reads from the starting position again. */
export function memoryCheckpoints(): StreamCheckpoints {
  const positions = new Map<string, string>()
  return {
    get: (mappingId, streamArn, shardId) => positions.get(keyOf(mappingId, streamArn, shardId)),
    set: (mappingId, streamArn, shardId, sequenceNumber) => {
      positions.set(keyOf(mappingId, streamArn, shardId), sequenceNumber)
    },
  }
}

/**
 * Positions kept in a JSON file, read once and rewritten after each settled batch (a
 * small file, written to a temporary name and renamed, so a kill -9 leaves the old or the
 * new one, never half of it).
 */
export function fileCheckpoints(path: string): StreamCheckpoints {
  let positions: Record<string, string> = {}
  try {
    positions = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  mkdirSync(dirname(path), { recursive: true })
  return {
    get: (mappingId, streamArn, shardId) => positions[keyOf(mappingId, streamArn, shardId)],
    set: (mappingId, streamArn, shardId, sequenceNumber) => {
      positions[keyOf(mappingId, streamArn, shardId)] = sequenceNumber
      const temporary = `${path}.${process.pid}.tmp`
      writeFileSync(temporary, JSON.stringify(positions))
      renameSync(temporary, path)
    },
  }
}

function keyOf(mappingId: string, streamArn: string, shardId: string): string {
  return `${mappingId} ${streamArn} ${shardId}`
}
