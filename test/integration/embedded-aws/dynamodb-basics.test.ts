import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { conformanceTargets, type RunningTarget } from '../../support/targets.ts'

describe.each(conformanceTargets)('DynamoDB tables, conditions and queries on $name', (target) => {
  let running: RunningTarget
  let dynamodb: DynamoDBClient
  const TableName = 'orders'
  const note = target.skip ? ` (skipped: ${target.skip})` : ''

  beforeAll(async () => {
    if (target.skip) return
    running = await target.start()
    dynamodb = new DynamoDBClient(emulatorClientConfig(running.endpoint))
    await dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'orderId', AttributeType: 'S' },
          { AttributeName: 'customerId', AttributeType: 'S' },
          { AttributeName: 'placedAt', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byCustomer',
            KeySchema: [
              { AttributeName: 'customerId', KeyType: 'HASH' },
              { AttributeName: 'placedAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    )
  }, 60_000)

  afterAll(async () => {
    await running?.stop()
  })

  it.skipIf(target.skip)(`rejects a conditional put on an existing key${note}`, async () => {
    const put = () =>
      dynamodb.send(
        new PutItemCommand({
          TableName,
          Item: {
            orderId: { S: 'o-cond' },
            customerId: { S: 'c-0' },
            placedAt: { S: '2026-01-01' },
          },
          ConditionExpression: 'attribute_not_exists(orderId)',
        }),
      )
    await put()
    await expect(put()).rejects.toBeInstanceOf(ConditionalCheckFailedException)
  })

  it.skipIf(target.skip)(`queries a GSI page by page${note}`, async () => {
    for (let i = 0; i < 25; i++) {
      await dynamodb.send(
        new PutItemCommand({
          TableName,
          Item: {
            orderId: { S: `o-${i}` },
            customerId: { S: 'c-1' },
            placedAt: { S: `2026-01-01T00:00:${String(i).padStart(2, '0')}Z` },
          },
        }),
      )
    }
    const seen: string[] = []
    let pages = 0
    let ExclusiveStartKey: QueryCommandOutput['LastEvaluatedKey']
    do {
      const page = await dynamodb.send(
        new QueryCommand({
          TableName,
          IndexName: 'byCustomer',
          KeyConditionExpression: 'customerId = :c',
          ExpressionAttributeValues: { ':c': { S: 'c-1' } },
          Limit: 10,
          ExclusiveStartKey,
        }),
      )
      pages++
      seen.push(...(page.Items ?? []).map((item) => item.orderId!.S!))
      ExclusiveStartKey = page.LastEvaluatedKey
    } while (ExclusiveStartKey)

    expect(pages).toBeGreaterThanOrEqual(3)
    // Sorted by the index's range key, every item exactly once.
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `o-${i}`))
  })
})
