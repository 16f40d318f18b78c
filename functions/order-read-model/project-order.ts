import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb'
import { type AppendWrite, EventStore, type RecordedEvent } from '../event-store/index.ts'
import {
  type OrderStatus,
  type OrderStreamEvent,
  type OrderView,
  orderStreamId,
  projectOrderView,
} from '../orders/index.ts'

export interface ProjectionDeps {
  readonly client: DynamoDBDocumentClient
  /** The order read model. */
  readonly table: string
  /** The events table, where each order's events are recorded in stream `order-<orderId>`. */
  readonly eventsTable: string
}

export interface OrderProjection {
  /** `duplicate`: the event was recorded and projected already; nothing to write. `projected`: the row moved on (the event, or events it had missed). */
  readonly outcome: 'projected' | 'duplicate'
  readonly status: OrderStatus
  /** The row's version after the writes. */
  readonly version: number
  /**
   * The writes, to commit in one transaction (the consumer runtime adds the idempotency
   * record): the event recorded in the order's stream at the next version, unless it is
   * there already, and the row at its new version, on the condition that it is still at the
   * version read. A writer that got there first cancels the transaction: retried.
   */
  readonly writes: AppendWrite[]
}

export interface ProjectionOptions {
  /**
   * This receive of the record (the runtime's `attempt`): 1 on the first. A later one may
   * follow a cancelled transaction (the stream was not where the row said), so it reads the
   * stream. @default 1
   */
  readonly attempt?: number
}

/**
 * The order read model as a projection of the event store. An order event from the bus is
 * recorded into the order's stream (origin `recorded`, so the outbox does not publish it
 * again; once: an eventId already in the stream is not appended twice), and the row folds in
 * every version of the stream after its own, in order, with the decider's `evolve`. A row
 * behind its stream catches up from the store; a version that does not follow the row is a
 * `ProjectionGapError`. Rebuilding from the events table gives the same rows.
 *
 * Two DynamoDB requests in the common case: the row is read, and the writes append the event
 * at `row.version + 1` on the condition that the stream is exactly at `row.version` (the
 * event store's exact expected version), with the row on the condition that it is still at
 * its version. That needs no read of the stream when the row proves the event is not in it
 * yet: the row holds every version up to its own, and no event of this type is folded into
 * it; versions after it would fail the condition. Otherwise (an event of the type folded in
 * already: maybe this one), and on a retry (the condition may have failed: the stream is
 * ahead of the row, or another event of the order got there first), the stream is read.
 */
export async function projectOrder(
  event: OrderStreamEvent,
  deps: ProjectionDeps,
  options: ProjectionOptions = {},
): Promise<OrderProjection> {
  const store = new EventStore({ client: deps.client, eventsTable: deps.eventsTable })
  const streamId = orderStreamId(event.payload.orderId)
  const current = await readRow(event, deps)
  const history =
    (options.attempt ?? 1) > 1 || mayHoldEventOfType(current, event)
      ? await store.readStream(streamId)
      : undefined
  const recorded = history?.some((r) => r.event.eventId === event.eventId) ?? false
  const append = recorded
    ? undefined
    : await store.prepareAppend(streamId, [event], {
        // Without a read, the stream is expected exactly where the row is: a ConditionCheck on
        // that version and a Put at the next enforce it.
        expectedVersion: history
          ? (history.at(-1)?.streamVersion ?? 'no-stream')
          : (current?.version ?? 0),
        origin: 'recorded',
      })
  const events = [...(history ?? []), ...(append?.events ?? [])]

  // Events in the store are the catalogue's, validated when appended.
  const { view, applied } = projectOrderView(current, events as RecordedEvent<OrderStreamEvent>[])
  if (!view || applied === 0) {
    return {
      outcome: 'duplicate',
      status: current?.status ?? 'none',
      version: current?.version ?? 0,
      writes: append?.writes ?? [],
    }
  }
  return {
    outcome: 'projected',
    status: view.status,
    version: view.version,
    writes: [...(append?.writes ?? []), viewWrite(deps.table, view, current?.version ?? 0)],
  }
}

async function readRow(
  event: OrderStreamEvent,
  deps: ProjectionDeps,
): Promise<OrderView | undefined> {
  const result = await deps.client.send(
    new GetCommand({
      TableName: deps.table,
      Key: { orderId: event.payload.orderId },
      ConsistentRead: true,
    }),
  )
  return result.Item as OrderView | undefined
}

/**
 * Whether the versions a row has folded in may hold this event: they do not when the row
 * has folded in no event of its type (the row keeps the eventId of the last of each type).
 */
function mayHoldEventOfType(row: OrderView | undefined, event: OrderStreamEvent): boolean {
  if (!row) return false
  switch (event.eventType) {
    case 'order.placed':
      return row.placed !== undefined
    case 'order.cancelled':
      return row.cancellation !== undefined
    default:
      return true
  }
}

/** Puts a row on the condition that the table still holds it at `fromVersion`. */
function viewWrite(table: string, view: OrderView, fromVersion: number): AppendWrite {
  return {
    Put: {
      TableName: table,
      Item: view,
      ConditionExpression:
        fromVersion === 0 ? 'attribute_not_exists(#version)' : '#version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ...(fromVersion === 0 ? {} : { ExpressionAttributeValues: { ':version': fromVersion } }),
    },
  }
}
