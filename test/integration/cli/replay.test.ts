import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  cancelled,
  createOrdersTable,
  documentClientFor,
  placed,
  projectLive,
  startEventStoreStack,
} from '../event-store/fixture.ts'
import { runPipeline } from './pipeline-cli.ts'

let stack: Awaited<ReturnType<typeof startEventStoreStack>>
const rows = async (table: string) =>
  (
    (await documentClientFor(stack.endpoint).send(new ScanCommand({ TableName: table }))).Items ??
    []
  ).sort((a, b) => String(a.orderId).localeCompare(String(b.orderId)))

beforeAll(async () => {
  stack = await startEventStoreStack()
  const orders = Array.from({ length: 12 }, (_, i) => `r-${String(i).padStart(2, '0')}`)
  await projectLive(documentClientFor(stack.endpoint), stack, [
    ...orders.map((id) => placed(id, '2026-05-01T10:00:00Z')),
    ...orders.slice(0, 5).map((id) => cancelled(id, '2026-05-01T11:00:00Z')),
  ])
})
afterAll(() => stack?.stop())

// One CLI process at a time, with room for a small loaded machine (as the other CLI tests).
describe('pipeline replay', { timeout: 60_000 }, () => {
  it('rebuilds the orders read model into a new table, with progress, identical to the live one', async () => {
    const table = await createOrdersTable(stack.endpoint, 'orders-replayed')
    const result = await runPipeline([
      'replay',
      '--read-model',
      'orders',
      '--into',
      table,
      '--endpoint',
      stack.endpoint,
    ])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/^replayed 12 stream\(s\), 17 event\(s\); 12 row\(s\) written$/m)
    expect(result.stdout).toMatch(
      /^rebuilt orders in orders-replayed: 12 stream\(s\), 17 event\(s\), 12 row\(s\) written in \d+ ms\n$/,
    )
    expect(await rows(table)).toEqual(await rows(stack.ordersTable))
  })

  it('replays into the live read model and prints JSON, leaving its rows as they were', async () => {
    const before = await rows(stack.ordersTable)
    const result = await runPipeline([
      'replay',
      '--read-model',
      'orders',
      '--endpoint',
      stack.endpoint,
      '--json',
    ])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toMatchObject({
      readModel: 'orders',
      table: stack.ordersTable,
      streams: 12,
      events: 17,
      written: 12,
      newer: 0,
    })
    expect(await rows(stack.ordersTable)).toEqual(before)
  })

  it('says in one line when the table to rebuild into does not exist', async () => {
    const missing = await runPipeline([
      'replay',
      '--read-model',
      'orders',
      '--into',
      'no-such-table',
      '--endpoint',
      stack.endpoint,
    ])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/pipeline: table no-such-table does not exist on embedded/)
  })
})
