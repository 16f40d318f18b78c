import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb'
import { beforeAll, describe, expect, it } from 'vitest'
import type { OrderEvent } from '../../../functions/consumers/shared/order-events.ts'
import { EventStore } from '../../../functions/event-store/index.ts'
import { type ProjectionOptions, projectOrder } from '../../../functions/order-read-model/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import {
  cancelled,
  countRequests,
  createEventsTable,
  createOrdersTable,
  documentClientFor,
  placed,
} from './fixture.ts'

const aws = useEmbeddedAws()

/**
 * The DynamoDB requests the projections consumer makes per record, counted on its client:
 * the row read and the transaction in the common case; the stream read only when the row
 * cannot rule the event out of it, or on a retry after a cancelled transaction.
 */
describe('projection requests per record', () => {
  let client: DynamoDBDocumentClient
  let eventsTable: string
  let ordersTable: string
  let counter: ReturnType<typeof countRequests>

  beforeAll(async () => {
    eventsTable = await createEventsTable(aws.endpoint)
    ordersTable = await createOrdersTable(aws.endpoint)
    client = documentClientFor(aws.endpoint)
    counter = countRequests(client)
  })

  /** Projects an event and commits its writes as the runtime does; the requests it took. */
  const project = async (event: OrderEvent, options?: ProjectionOptions) => {
    counter.reset()
    const result = await projectOrder(event, { client, table: ordersTable, eventsTable }, options)
    let committed = true
    if (result.writes.length > 0) {
      try {
        await client.send(new TransactWriteCommand({ TransactItems: result.writes }))
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException') throw error
        committed = false
      }
    }
    return { result, requests: counter.requests.map((r) => r.name), committed }
  }
  const row = async (orderId: string) =>
    (
      await documentClientFor(aws.endpoint).send(
        new GetCommand({ TableName: ordersTable, Key: { orderId } }),
      )
    ).Item
  const stream = (orderId: string) =>
    new EventStore({ client: documentClientFor(aws.endpoint), eventsTable }).readStream(
      `order-${orderId}`,
    )

  it('takes 2 requests a record in the common case: the row, then the transaction', async () => {
    const placement = placed('r-1', '2026-05-01T10:00:00Z')
    const first = await project(placement)
    expect(first.requests).toEqual(['Get', 'TransactWrite'])
    expect(first.committed).toBe(true)
    expect(first.result).toMatchObject({ outcome: 'projected', version: 1 })
    const second = await project(cancelled('r-1', '2026-05-01T11:00:00Z'))
    expect(second.requests).toEqual(['Get', 'TransactWrite'])
    expect(second.result).toMatchObject({ outcome: 'projected', status: 'cancelled', version: 2 })
    expect(await row('r-1')).toMatchObject({ status: 'cancelled', version: 2 })
    expect((await stream('r-1')).map((r) => r.streamVersion)).toEqual([1, 2])

    // A cancellation first, then its placement: 2 each as well.
    expect((await project(cancelled('r-2', '2026-05-01T11:00:00Z'))).requests).toEqual([
      'Get',
      'TransactWrite',
    ])
    expect((await project(placed('r-2', '2026-05-01T10:00:00Z'))).requests).toEqual([
      'Get',
      'TransactWrite',
    ])
    expect(await row('r-2')).toMatchObject({ status: 'cancelled', customerId: 'c-1', version: 2 })
  })

  it('reads the stream for an event the row may hold already, and never appends it twice', async () => {
    const placement = placed('r-3', '2026-05-01T10:00:00Z')
    await project(placement)
    await project(cancelled('r-3', '2026-05-01T11:00:00Z'))
    const again = await project(placement)
    expect(again.requests).toEqual(['Get', 'Query'])
    expect(again.result).toMatchObject({ outcome: 'duplicate', version: 2, writes: [] })
    expect((await stream('r-3')).map((r) => r.event.eventId)).toHaveLength(2)
  })

  it('a row behind its stream: the transaction is cancelled, and the retry reads the stream and catches up', async () => {
    // The stream got ahead of the row (v2 recorded without the row moving on).
    await project(placed('r-4', '2026-05-01T10:00:00Z'))
    await new EventStore({ client: documentClientFor(aws.endpoint), eventsTable }).append(
      'order-r-4',
      [cancelled('r-4', '2026-05-01T11:00:00Z')],
      { expectedVersion: 1, origin: 'recorded' },
    )
    const cancellation = cancelled('r-4', '2026-05-01T12:00:00Z')
    const first = await project(cancellation)
    expect(first.requests).toEqual(['Get', 'TransactWrite'])
    expect(first.committed).toBe(false)
    expect(await row('r-4')).toMatchObject({ version: 1, status: 'placed' })
    const retry = await project(cancellation, { attempt: 2 })
    expect(retry.requests).toEqual(['Get', 'Query', 'TransactWrite'])
    expect(retry.committed).toBe(true)
    expect(retry.result).toMatchObject({ outcome: 'projected', version: 3 })
    expect(await row('r-4')).toMatchObject({ version: 3, lastEventId: cancellation.eventId })
    expect((await stream('r-4')).map((r) => r.streamVersion)).toEqual([1, 2, 3])
  })

  it('two events of one order at once: one transaction is cancelled, its retry appends after the other', async () => {
    const placement = placed('r-5', '2026-05-01T10:00:00Z')
    const cancellation = cancelled('r-5', '2026-05-01T11:00:00Z')
    const [a, b] = await Promise.all([
      projectOrder(placement, { client, table: ordersTable, eventsTable }),
      projectOrder(cancellation, { client, table: ordersTable, eventsTable }),
    ])
    const commit = (writes: typeof a.writes) =>
      client.send(new TransactWriteCommand({ TransactItems: writes })).then(
        () => true,
        () => false,
      )
    expect(await commit(a.writes)).toBe(true)
    expect(await commit(b.writes)).toBe(false)
    const retry = await project(cancellation, { attempt: 2 })
    expect(retry.committed).toBe(true)
    expect(await row('r-5')).toMatchObject({ status: 'cancelled', version: 2 })
    expect((await stream('r-5')).map((r) => r.event.eventId)).toEqual([
      placement.eventId,
      cancellation.eventId,
    ])
  })

  it('a row that is absent while its stream is not: cancelled, then caught up on the retry', async () => {
    const placement = placed('r-6', '2026-05-01T10:00:00Z')
    await new EventStore({ client: documentClientFor(aws.endpoint), eventsTable }).append(
      'order-r-6',
      [placement],
      { expectedVersion: 'no-stream', origin: 'recorded' },
    )
    expect((await project(placement)).committed).toBe(false)
    const retry = await project(placement, { attempt: 2 })
    expect(retry.result).toMatchObject({ outcome: 'projected', version: 1 })
    expect(retry.committed).toBe(true)
    expect(await stream('r-6')).toHaveLength(1)
  })
})
