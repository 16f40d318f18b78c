import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import {
  type DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb'
import { EVENT_STORE_SCHEMA } from '../../contracts/event-store-tables.ts'
import { EventStore, eventStoreDefaults, type RecordedEvent } from '../event-store/index.ts'
import { ORDER_STREAM_PREFIX, type OrderStreamEvent, projectOrderView } from '../orders/index.ts'

const keys = EVENT_STORE_SCHEMA.events

export interface RebuildOptions {
  readonly client: DynamoDBDocumentClient
  readonly eventsTable: string
  /** The table to fill: a new or emptied one, or the live read model (rows only move forward). */
  readonly readModelTable: string
  /** Items per Scan and Query page. @default 100 (eventStoreDefaults.pageSize) */
  readonly pageSize?: number
  /** Streams replayed at once. @default 8 */
  readonly concurrency?: number
  /** Called after each page of streams. */
  readonly onProgress?: (progress: RebuildProgress) => void
}

export interface RebuildProgress {
  /** Order streams replayed. */
  readonly streams: number
  /** Events folded in. */
  readonly events: number
  /** Rows written. */
  readonly written: number
  /** Rows left as they were: the table already held them at a later version. */
  readonly newer: number
}

/**
 * Rebuilds the order read model by replaying the events table: every `order-*` stream (found
 * with a paged, consistent Scan for each stream's first event), read in version order and
 * folded with the same projection the live consumer uses, so the rows come out identical.
 * A row is written unless the table already holds it at a later version, so rebuilding into
 * the live table while it is projecting never moves a row back.
 */
export async function rebuildReadModel(options: RebuildOptions): Promise<RebuildProgress> {
  const pageSize = options.pageSize ?? eventStoreDefaults.pageSize
  const concurrency = options.concurrency ?? 8
  const store = new EventStore({
    client: options.client,
    eventsTable: options.eventsTable,
    pageSize,
  })
  const progress = { streams: 0, events: 0, written: 0, newer: 0 }

  const replay = async (streamId: string) => {
    const events = (await store.readStream(streamId)) as RecordedEvent<OrderStreamEvent>[]
    const { view } = projectOrderView(undefined, events)
    progress.streams++
    progress.events += events.length
    if (!view) return
    try {
      await options.client.send(
        new PutCommand({
          TableName: options.readModelTable,
          Item: view,
          ConditionExpression: 'attribute_not_exists(#version) OR #version <= :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': view.version },
        }),
      )
      progress.written++
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error
      progress.newer++
    }
  }

  let startKey: ScanCommandInput['ExclusiveStartKey']
  do {
    const page = await options.client.send(
      new ScanCommand({
        TableName: options.eventsTable,
        FilterExpression: 'begins_with(#stream, :prefix) AND #version = :first',
        ExpressionAttributeNames: { '#stream': keys.partitionKey, '#version': keys.sortKey },
        ExpressionAttributeValues: { ':prefix': ORDER_STREAM_PREFIX, ':first': 1 },
        ProjectionExpression: '#stream',
        ConsistentRead: true,
        Limit: pageSize,
        ExclusiveStartKey: startKey,
      }),
    )
    startKey = page.LastEvaluatedKey
    const streamIds = (page.Items ?? []).map((item) => item[keys.partitionKey] as string)
    for (let i = 0; i < streamIds.length; i += concurrency) {
      await Promise.all(streamIds.slice(i, i + concurrency).map(replay))
    }
    options.onProgress?.({ ...progress })
  } while (startKey)
  return { ...progress }
}
