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
  /** The events table, where the orders service keeps each order's stream `order-<orderId>`. */
  readonly eventsTable: string
}

export interface OrderProjection {
  /**
   * `projected`: the row moved on (to the event, and whatever else its stream holds after the
   * row); `duplicate`: the row holds the event already, nothing to write; `not-recorded`: the
   * order's stream does not hold the event yet (the orders service records what it consumes,
   * and may not have got to it): retry later.
   */
  readonly outcome: 'projected' | 'duplicate' | 'not-recorded'
  readonly status: OrderStatus
  /** The row's version after the writes. */
  readonly version: number
  /**
   * The row at its new version on the condition that it is still at the version read, to
   * commit with the idempotency record. A writer that got there first cancels the
   * transaction: retried.
   */
  readonly writes: AppendWrite[]
}

/**
 * The order read model as a projection of the order's stream, which the orders service
 * writes (the customer's events recorded, the other services' answers, its confirmations and
 * cancellations): on an order event from the bus, the row folds in every version of the
 * stream after its own, in order, with the decider's `evolve`; a version that does not follow
 * the row is a `ProjectionGapError`. Rebuilding from the events table gives the same rows.
 *
 * Three DynamoDB requests in the common case: the row is read, the stream after the row's
 * version is read, and the row is written. An event neither in the row nor in that part of
 * the stream is looked for in the whole stream (a second cancellation, which the row folds
 * as the earlier one), and when it is not there either it is `not-recorded`.
 */
export async function projectOrder(
  event: OrderStreamEvent,
  deps: ProjectionDeps,
): Promise<OrderProjection> {
  const store = new EventStore({ client: deps.client, eventsTable: deps.eventsTable })
  const streamId = orderStreamId(event.payload.orderId)
  const current = await readRow(event, deps)
  const after = (await store.readStream(streamId, {
    fromVersion: (current?.version ?? 0) + 1,
  })) as RecordedEvent<OrderStreamEvent>[]
  const recorded =
    after.some((r) => r.event.eventId === event.eventId) ||
    rowHolds(current, event) ||
    (current !== undefined &&
      (await store.readStream(streamId, { toVersion: current.version })).some(
        (r) => r.event.eventId === event.eventId,
      ))
  const unchanged = {
    status: current?.status ?? 'none',
    version: current?.version ?? 0,
    writes: [],
  }
  if (!recorded) return { outcome: 'not-recorded', ...unchanged }
  const { view, applied } = projectOrderView(current, after)
  if (!view || applied === 0) return { outcome: 'duplicate', ...unchanged }
  return {
    outcome: 'projected',
    status: view.status,
    version: view.version,
    writes: [viewWrite(deps.table, view, current?.version ?? 0)],
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

/** Whether the row has folded in this very event: it keeps the event of each fact. */
function rowHolds(row: OrderView | undefined, event: OrderStreamEvent): boolean {
  if (!row) return false
  return [
    row.placed,
    row.reservation,
    row.rejection,
    row.payment,
    row.decline,
    row.confirmation,
    row.cancellation,
  ].some((fact) => fact?.eventId === event.eventId)
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
