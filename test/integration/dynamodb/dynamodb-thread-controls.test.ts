import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { startDynamoDbThread } from '../../../local/dynamodb/threaded-layer.ts'
import { pkTable } from '../../support/dynamodb-targets.ts'

// The controls of the embedded DynamoDB in a worker thread, asked from this thread: request
// counts, fault injection and its report, and what a caller is told once the thread is gone.

describe('the embedded DynamoDB thread’s controls', () => {
  it('counts the requests it served, injects the faults it is given and reports them', async () => {
    const layer = await startDynamoDbThread({ ttlSweepIntervalMs: 0 })
    const ddb = new DynamoDBClient({ ...emulatorClientConfig(layer.endpoint), maxAttempts: 1 })
    try {
      await ddb.send(
        new CreateTableCommand({ ...pkTable, TableName: 'orders', BillingMode: 'PAY_PER_REQUEST' }),
      )
      expect(await layer.requestCounts()).toMatchObject({ 'DynamoDB.CreateTable': 1 })
      const get = () =>
        ddb.send(new GetItemCommand({ TableName: 'orders', Key: { pk: { S: 'a' } } }))
      await layer.setFaults([
        { service: 'dynamodb', operation: 'GetItem', errors: { throttle: 1 } },
      ])
      await expect(get()).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } })
      expect((await layer.faultReport())['dynamodb.GetItem']).toMatchObject({
        requests: 1,
        errors: { throttle: 1 },
      })
      await layer.setFaults([])
      expect((await get()).Item).toBeUndefined()
    } finally {
      ddb.destroy()
      await layer.close()
    }
  })

  it('tells a caller after close that the thread has exited, with its exit code', async () => {
    const layer = await startDynamoDbThread({ ttlSweepIntervalMs: 0 })
    await layer.close()
    await expect(layer.requestCounts()).rejects.toThrow(
      /^the embedded DynamoDB thread has exited \(\d+\)$/,
    )
  })

  it('keeps why it could not start as the cause of its error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynamodb-thread-'))
    const file = join(dir, 'not-a-folder')
    writeFileSync(file, '')
    try {
      const error = await startDynamoDbThread({ dataDir: join(file, 'dynamodb') }).catch(
        (failure: unknown) => failure as Error,
      )
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).cause).toBeInstanceOf(Error)
      expect((error as Error).message).toContain(((error as Error).cause as Error).message)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
