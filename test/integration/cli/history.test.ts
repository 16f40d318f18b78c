import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  cancelled,
  documentClientFor,
  placed,
  projectLive,
  startEventStoreStack,
} from '../event-store/fixture.ts'
import { runPipeline } from './pipeline-cli.ts'

let stack: Awaited<ReturnType<typeof startEventStoreStack>>
const placement = placed('h-1', '2026-05-01T10:00:00.000Z', 'e-placed')
const cancellation = cancelled('h-1', '2026-05-01T11:00:00.000Z', 'e-cancelled')

beforeAll(async () => {
  stack = await startEventStoreStack()
  await projectLive(documentClientFor(stack.endpoint), stack, [placement, cancellation])
})
afterAll(() => stack?.stop())

const history = (...args: string[]) =>
  runPipeline(['history', ...args, '--endpoint', stack.endpoint])

// One CLI process at a time, with room for a small loaded machine (as the other CLI tests).
describe('pipeline history', { timeout: 60_000 }, () => {
  it("prints an order's audit trail and its state now", async () => {
    const result = await history('h-1')
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toBe(
      [
        'order h-1 (stream order-h-1)',
        '  v1  2026-05-01T10:00:00.000Z  order.placed     e-placed  from test (recorded)',
        '  v2  2026-05-01T11:00:00.000Z  order.cancelled  e-cancelled  from test (recorded)',
        'state as of version 2: cancelled',
        '  customer c-1, 2 item(s), total 10.00, placed 2026-05-01T10:00:00.000Z',
        '  cancelled 2026-05-01T11:00:00.000Z by customer: changed mind',
        '',
      ].join('\n'),
    )
  })

  it('gives the state as of a time, in JSON', async () => {
    const result = await history('h-1', '--as-of', '2026-05-01T10:30:00Z', '--json')
    expect(result.code, result.stderr).toBe(0)
    const parsed = JSON.parse(result.stdout)
    expect(parsed).toMatchObject({
      target: 'embedded',
      orderId: 'h-1',
      streamId: 'order-h-1',
      asOf: { time: '2026-05-01T10:30:00.000Z' },
      version: 1,
      state: { status: 'placed', placed: { customerId: 'c-1', total: 10 } },
    })
    expect(parsed.events).toEqual([
      {
        version: 1,
        eventId: 'e-placed',
        eventType: 'order.placed',
        timestamp: '2026-05-01T10:00:00.000Z',
        source: 'test',
        origin: 'recorded',
        correlationId: 'corr-h-1',
        payload: placement.payload,
      },
    ])
  })

  it('gives the state as of a version', async () => {
    const result = await history('h-1', '--version', '1')
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^state as of version 1: placed$/m)
    expect(result.stdout).not.toMatch(/order\.cancelled/)
  })

  it('says in one line when the order has no events, or none by that time', async () => {
    const none = await history('nobody')
    expect(none.code).toBe(1)
    expect(none.stderr.trim()).toBe(
      'pipeline: order nobody has no events in the event store (stream order-nobody)',
    )
    const early = await history('h-1', '--as-of', '2026-04-30T00:00:00Z')
    expect(early.stderr.trim()).toBe(
      'pipeline: order h-1 has no events by 2026-04-30T00:00:00.000Z (its stream is at version 2)',
    )
  })
})
