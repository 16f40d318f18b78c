import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
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

const replayInto = (table: string, ...more: string[]) =>
  runPipeline([
    'replay',
    '--read-model',
    'orders',
    '--into',
    table,
    '--endpoint',
    stack.endpoint,
    ...more,
  ])

// One CLI process at a time, with room for a small loaded machine (as the other CLI tests).
describe('pipeline replay', { timeout: 60_000 }, () => {
  it('rebuilds the orders read model into a new table, with progress, identical to the live one', async () => {
    const table = await createOrdersTable(stack.endpoint, 'orders-replayed')
    const result = await replayInto(table)
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

  // Issue 17, defect 6: replaying --into the payments table (same key name) overwrote its
  // six rows with order rows and exited 0.
  it('refuses a table that holds rows or is shaped otherwise, saying why, unless --force', async () => {
    const documents = documentClientFor(stack.endpoint)
    const dynamodb = new DynamoDBClient(emulatorClientConfig(stack.endpoint))
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'payments-like',
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
    dynamodb.destroy()
    for (let i = 0; i < 6; i++) {
      await documents.send(
        new PutCommand({
          TableName: 'payments-like',
          Item: { orderId: `r-0${i}`, authorizationId: `auth-${i}`, amount: 10 + i },
        }),
      )
    }
    const before = await rows('payments-like')
    const refused = await replayInto('payments-like')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(
      /^pipeline: refusing to replay orders into payments-like: it is not empty \(it holds 6 row\(s\), the first with attributes amount, authorizationId, orderId\).*; and its schema is not the orders read model's \(key orderId \(S\), no index; .* has key orderId \(S\), index byCustomer on customerId \(S\) \+ placedAt \(S\)\)\. .*--force/,
    )
    expect(await rows('payments-like')).toEqual(before)

    const nonEmpty = await createOrdersTable(stack.endpoint, 'orders-not-empty')
    await documents.send(
      new PutCommand({ TableName: nonEmpty, Item: { orderId: 'x-1', version: 1 } }),
    )
    const refusedToo = await replayInto(nonEmpty)
    expect(refusedToo.code).toBe(1)
    expect(refusedToo.stderr).toMatch(/it is not empty/)
    expect(refusedToo.stderr).not.toMatch(/schema/)

    const forced = await replayInto(nonEmpty, '--force')
    expect(forced.code, forced.stderr).toBe(0)
    expect(forced.stdout).toMatch(/12 row\(s\) written/)
  })
})
