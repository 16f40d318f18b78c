import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb'
import { type AppendWrite, EventStore, type RecordedEvent } from '../../event-store/index.ts'
import {
  type OrderStatus,
  type OrderStreamEvent,
  type OrderView,
  orderStreamId,
  projectOrderView,
} from '../../orders/index.ts'
import type { OrderEvent } from '../shared/order-events.ts'

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

/**
 * The order read model as a projection of the event store. An order event from the bus is
 * recorded into the order's stream (origin `recorded`, so the outbox does not publish it
 * again; once: an eventId already in the stream is not appended twice), and the row folds in
 * every version of the stream after its own, in order, with the decider's `evolve`. A row
 * behind its stream catches up from the store; a version that does not follow the row is a
 * `ProjectionGapError`. Rebuilding from the events table gives the same rows.
 */
export async function projectOrder(
  event: OrderEvent,
  deps: ProjectionDeps,
): Promise<OrderProjection> {
  const store = new EventStore({ client: deps.client, eventsTable: deps.eventsTable })
  const streamId = orderStreamId(event.payload.orderId)
  const history = await store.readStream(streamId)
  const recorded = history.some((r) => r.event.eventId === event.eventId)
  const append = recorded
    ? undefined
    : await store.prepareAppend(streamId, [event], {
        expectedVersion: history.at(-1)?.streamVersion ?? 'no-stream',
        origin: 'recorded',
      })
  const events = [...history, ...(append?.events ?? [])]

  const current = (
    await deps.client.send(
      new GetCommand({
        TableName: deps.table,
        Key: { orderId: event.payload.orderId },
        ConsistentRead: true,
      }),
    )
  ).Item as OrderView | undefined
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
