import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { startDynamoDbThread } from '../../../local/dynamodb/threaded-layer.ts'
import { startEmbeddedAws } from '../../../local/embedded-aws.ts'

const client = (endpoint: string) =>
  new DynamoDBClient({ ...emulatorClientConfig(endpoint), maxAttempts: 1 })

describe('the embedded DynamoDB in a worker thread', () => {
  it('is one DynamoDB at its own endpoint and at the shared one, and stops promptly', async () => {
    const aws = await startEmbeddedAws({
      port: 0,
      dynamoDbThread: true,
      dynamoDbTtlSweepIntervalMs: 0,
    })
    expect(aws.dynamoDbEndpoint).not.toBe(aws.endpoint)
    const direct = client(aws.dynamoDbEndpoint)
    const shared = client(aws.endpoint)
    try {
      await direct.send(
        new CreateTableCommand({
          TableName: 'threaded',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      )
      await shared.send(
        new PutItemCommand({ TableName: 'threaded', Item: { pk: { S: 'a' }, n: { N: '1' } } }),
      )
      const { Item } = await direct.send(
        new GetItemCommand({ TableName: 'threaded', Key: { pk: { S: 'a' } } }),
      )
      expect(Item).toEqual({ pk: { S: 'a' }, n: { N: '1' } })
      // The sweeper's request crosses the thread and comes back with its count.
      expect(await aws.dynamodb.sweepExpiredItems()).toBe(0)
    } finally {
      direct.destroy()
      shared.destroy()
      const stopping = performance.now()
      await aws.stop()
      // The thread ends on its own once closed, well before the 5 s after which it is terminated.
      expect(performance.now() - stopping).toBeLessThan(4000)
    }
    await expect(
      client(aws.dynamoDbEndpoint).send(
        new GetItemCommand({ TableName: 'threaded', Key: { pk: { S: 'a' } } }),
      ),
    ).rejects.toThrow()
  })

  it('says why it could not start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynamodb-thread-'))
    const file = join(dir, 'not-a-folder')
    writeFileSync(file, '')
    try {
      await expect(startDynamoDbThread({ dataDir: join(file, 'dynamodb') })).rejects.toThrow(
        /^The embedded DynamoDB could not start: /,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses requests once closed', async () => {
    const layer = await startDynamoDbThread({ ttlSweepIntervalMs: 0 })
    await layer.close()
    await expect(layer.sweepExpiredItems()).rejects.toThrow(/embedded DynamoDB thread/)
  })
})
