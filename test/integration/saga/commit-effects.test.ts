import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { beforeAll, describe, expect, it } from 'vitest'
import { commitEffects } from '../../../functions/consumers/shared/commit-effects.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { countRequests, documentClientFor } from '../event-store/fixture.ts'

const aws = useEmbeddedAws()
const table = 'commit-effects'

beforeAll(async () => {
  await new DynamoDBClient(emulatorClientConfig(aws.endpoint)).send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    }),
  )
})

const putNew = (id: string, value: number) => ({
  Put: {
    TableName: table,
    Item: { id, value, note: undefined },
    ConditionExpression: 'attribute_not_exists(id)',
  },
})

describe('commitEffects (a step’s effects, committed before its idempotency record completes)', () => {
  it('writes one effect as a plain conditional put, more as one transaction, nothing as no request', async () => {
    const client = documentClientFor(aws.endpoint)
    const counter = countRequests(client)
    await commitEffects(client, [putNew('a', 1)])
    await commitEffects(client, [putNew('b', 2), putNew('c', 3)])
    await commitEffects(client, [])
    expect(counter.requests.map((r) => r.name)).toEqual(['Put', 'TransactWrite'])
    const read = async (id: string) =>
      (await client.send(new GetCommand({ TableName: table, Key: { id }, ConsistentRead: true })))
        .Item
    expect(await read('a')).toEqual({ id: 'a', value: 1 })
    expect(await read('c')).toEqual({ id: 'c', value: 3 })
  })

  it('takes a write sent again after it landed (a lost reply) as done, and another writer’s as a lost race', async () => {
    const client = documentClientFor(aws.endpoint)
    await commitEffects(client, [putNew('d', 4)])
    // The same put again: refused by the very item it writes, so it had landed.
    await expect(commitEffects(client, [putNew('d', 4)])).resolves.toBeUndefined()
    await expect(commitEffects(client, [putNew('d', 5)])).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    })
    const transaction = [putNew('e', 6), putNew('f', 7)]
    await commitEffects(client, transaction)
    // The same transaction again carries the same token: a no-op, not a cancellation.
    await expect(commitEffects(client, transaction)).resolves.toBeUndefined()
    await expect(commitEffects(client, [putNew('e', 8), putNew('g', 9)])).rejects.toMatchObject({
      name: 'TransactionCanceledException',
    })
  })
})
