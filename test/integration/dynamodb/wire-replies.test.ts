import { crc32 } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDynamoDbService } from '../../../local/dynamodb/router.ts'
import { RequestCounts, type WireService } from '../../../local/wire-service.ts'
import { useDynamoDbLayers } from '../../support/dynamodb-layer.ts'

// What the embedded DynamoDB answers on the wire, before any action runs, and what it counts:
// DynamoDB's JSON protocol (x-amz-json-1.0, an x-amz-crc32 of the body that SDKs check), the
// Coral errors for a request it cannot route or read, and each request's capacity units per
// table, for the bench's bill (1 WRU a started KB written, 0.5 RRU a started 4 KB read
// eventually consistent).
describe('the embedded DynamoDB on the wire', () => {
  const layers = useDynamoDbLayers()
  const counts = new RequestCounts()
  let service: WireService
  beforeAll(async () => {
    const { context, createTable } = await layers.open()
    await createTable('orders')
    service = createDynamoDbService(context, counts)
  })
  afterAll(() => layers.close())

  const raw = (target: string | undefined, body: string) =>
    service({
      method: 'POST',
      path: '/',
      headers: target === undefined ? {} : { 'x-amz-target': target },
      body,
    })
  const call = async (target: string, body: object) => {
    const reply = await raw(target, JSON.stringify(body))
    return { status: reply.status, body: JSON.parse(reply.body) }
  }
  const delta = async (run: () => Promise<unknown>) => {
    const before = counts.snapshot()
    await run()
    const after = counts.snapshot()
    return Object.fromEntries(
      Object.entries(after)
        .map(([key, n]) => [key, n - (before[key] ?? 0)] as const)
        .filter(([, n]) => n !== 0),
    )
  }

  it('answers in DynamoDB’s JSON protocol, with the CRC32 of the body SDKs check', async () => {
    const reply = await raw('DynamoDB_20120810.ListTables', '{}')
    expect(reply.status).toBe(200)
    expect(reply.headers['content-type']).toBe('application/x-amz-json-1.0')
    expect(reply.headers['x-amz-crc32']).toBe(String(crc32(reply.body)))
    expect(reply.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/)
    expect(JSON.parse(reply.body)).toEqual({ TableNames: ['orders'] })
  })

  it('refuses an operation it does not serve, or no target, with UnknownOperationException naming it', async () => {
    for (const [target, service, operation] of [
      ['DynamoDB_20120810.RestoreTableFromBackup', 'DynamoDB', 'RestoreTableFromBackup'],
      ['DynamoDBStreams_20120810.Nope', 'DynamoDB Streams', 'Nope'],
      ['Elsewhere.Thing', 'DynamoDB', 'Thing'],
      ['Elsewhere', 'DynamoDB', 'Elsewhere'],
    ] as const) {
      const { status, body } = await call(target, {})
      expect(status).toBe(400)
      expect(body.__type).toBe('com.amazon.coral.service#UnknownOperationException')
      expect(body.message).toContain(
        `The embedded ${service} does not support the operation '${operation}'`,
      )
      expect(body.message).toContain('Supported: see local/dynamodb/router.ts.')
    }
    const untargeted = await raw(undefined, '{}')
    expect(JSON.parse(untargeted.body).__type).toBe(
      'com.amazon.coral.service#UnknownOperationException',
    )
  })

  it('refuses a body that is not a JSON object with SerializationException', async () => {
    for (const [body, message] of [
      ['{not json', 'The request body is not valid JSON'],
      ['[]', 'The request body must be a JSON object'],
      ['null', 'The request body must be a JSON object'],
      ['"text"', 'The request body must be a JSON object'],
      ['', 'The request body must be a JSON object'],
    ]) {
      const reply = await raw('DynamoDB_20120810.ListTables', body as string)
      expect(reply.status).toBe(400)
      expect(JSON.parse(reply.body)).toEqual({
        __type: 'com.amazon.coral.service#SerializationException',
        message,
      })
    }
  })

  it('counts each request by operation and the capacity units it would consume, per table', async () => {
    const item = { pk: { S: 'a' }, body: { S: 'x'.repeat(1500) } }
    expect(
      await delta(() => call('DynamoDB_20120810.PutItem', { TableName: 'orders', Item: item })),
    ).toEqual({
      'DynamoDB.PutItem': 1,
      'DynamoDB.WRU': 2,
      'DynamoDB.WRU orders': 2,
    })
    expect(
      await delta(() =>
        call('DynamoDB_20120810.GetItem', { TableName: 'orders', Key: { pk: { S: 'a' } } }),
      ),
    ).toEqual({ 'DynamoDB.GetItem': 1, 'DynamoDB.RRU': 0.5, 'DynamoDB.RRU orders': 0.5 })
    expect(
      await delta(() => call('DynamoDB_20120810.DescribeTable', { TableName: 'orders' })),
    ).toEqual({
      'DynamoDB.DescribeTable': 1,
    })
    // DynamoDB Streams reads are not billed as table reads.
    expect(await delta(() => call('DynamoDBStreams_20120810.ListStreams', {}))).toEqual({
      'DynamoDB Streams.ListStreams': 1,
    })
  })
})
