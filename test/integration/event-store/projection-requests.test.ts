import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb'
import { beforeAll, describe, expect, it } from 'vitest'
import type { OrderEvent } from '../../../functions/consumers/shared/order-events.ts'
import { EventStore } from '../../../functions/event-store/index.ts'
import { projectOrder } from '../../../functions/order-read-model/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import {
  cancelled,
  countRequests,
  createEventsTable,
  createOrdersTable,
  documentClientFor,
  placed,
  recordOrderEvent,
} from './fixture.ts'

const aws = useEmbeddedAws()

/**
 * The DynamoDB requests the projections consumer makes per record, counted on its client:
 * the row read, the read of the order's stream after the row, and the transaction; a read of
 * the rest of the stream only for an event the row does not name (a second cancellation).
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
  const project = async (event: OrderEvent) => {
    counter.reset()
    const result = await projectOrder(event, { client, table: ordersTable, eventsTable })
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
  const record = (event: OrderEvent) =>
    recordOrderEvent(documentClientFor(aws.endpoint), eventsTable, event)
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

  it('takes 3 requests a record in the common case: the row, the stream after it, the transaction', async () => {
    const placement = placed('r-1', '2026-05-01T10:00:00Z')
    await record(placement)
    const first = await project(placement)
    expect(first.requests).toEqual(['Get', 'Query', 'TransactWrite'])
    expect(first.committed).toBe(true)
    expect(first.result).toMatchObject({ outcome: 'projected', version: 1 })
    const cancellation = cancelled('r-1', '2026-05-01T11:00:00Z')
    await record(cancellation)
    const second = await project(cancellation)
    expect(second.requests).toEqual(['Get', 'Query', 'TransactWrite'])
    expect(second.result).toMatchObject({ outcome: 'projected', status: 'cancelled', version: 2 })
    expect(await row('r-1')).toMatchObject({ status: 'cancelled', version: 2 })
    // The projection writes no event: the stream is the orders service's.
    expect((await stream('r-1')).map((r) => r.streamVersion)).toEqual([1, 2])
  })

  it('a redelivered event: nothing to write', async () => {
    const placement = placed('r-3', '2026-05-01T10:00:00Z')
    await record(placement)
    await project(placement)
    const again = await project(placement)
    expect(again.requests).toEqual(['Get', 'Query'])
    expect(again.result).toMatchObject({ outcome: 'duplicate', version: 1, writes: [] })
  })

  it('an event the stream does not hold yet: not recorded, nothing written, retried later', async () => {
    const placement = placed('r-4', '2026-05-01T10:00:00Z')
    const early = await project(placement)
    expect(early.result).toMatchObject({ outcome: 'not-recorded', writes: [] })
    expect(await row('r-4')).toBeUndefined()
    await record(placement)
    expect((await project(placement)).result).toMatchObject({ outcome: 'projected', version: 1 })
  })

  it('a row behind its stream catches up on the next event, in one write', async () => {
    await record(placed('r-5', '2026-05-01T10:00:00Z'))
    const cancellation = cancelled('r-5', '2026-05-01T11:00:00Z')
    await record(cancellation)
    const caught = await project(cancellation)
    expect(caught.result).toMatchObject({ outcome: 'projected', status: 'cancelled', version: 2 })
    expect(await row('r-5')).toMatchObject({ version: 2, lastEventId: cancellation.eventId })
  })

  it('two writers of one row at once: the second transaction is cancelled, its retry is a duplicate', async () => {
    const placement = placed('r-6', '2026-05-01T10:00:00Z')
    const cancellation = cancelled('r-6', '2026-05-01T11:00:00Z')
    await record(placement)
    await record(cancellation)
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
    expect((await project(cancellation)).result).toMatchObject({ outcome: 'duplicate' })
    expect(await row('r-6')).toMatchObject({ status: 'cancelled', version: 2 })
  })

  it('a second cancellation, which the row folds as the earlier one: found in the stream', async () => {
    const placement = placed('r-7', '2026-05-01T10:00:00Z')
    const first = cancelled('r-7', '2026-05-01T11:00:00Z')
    const second = cancelled('r-7', '2026-05-01T12:00:00Z')
    for (const event of [placement, first, second]) await record(event)
    await project(first)
    const late = await project(second)
    expect(late.requests).toEqual(['Get', 'Query', 'Query'])
    expect(late.result).toMatchObject({ outcome: 'duplicate', version: 3 })
  })
})
