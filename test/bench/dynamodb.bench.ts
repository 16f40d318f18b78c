/**
 * The embedded DynamoDB layer vs straight dynalite, side by side in one process, through the
 * AWS SDK over loopback HTTP:
 *
 * - conditional PutItem (attribute_not_exists), on a table without and with a stream;
 * - a 10-action TransactWriteItems through the layer, against the 10 conditional PutItems
 *   straight dynalite needs for the same items (it has no transactions).
 *
 * Rounds alternate between the two so that machine load hits both alike; the best round of
 * each counts. The layer's budget: under 20% slower on single-item writes.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import dynalite from 'dynalite'
import { emulatorClientConfig } from '../../local/client-config.ts'
import { startEmbeddedAws } from '../../local/embedded-aws.ts'

const rounds = 3
const putsPerRound = 1500
const transactionsPerRound = 150
const inFlight = 16

const straight: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
await new Promise<void>((resolve) => straight.listen(0, '127.0.0.1', resolve))
const layer = await startEmbeddedAws({ port: 0, dynamoDbTtlSweepIntervalMs: 0 })

const client = (endpoint: string) =>
  new DynamoDBClient({ ...emulatorClientConfig(endpoint), maxAttempts: 1 })
const dynaliteClient = client(`http://127.0.0.1:${(straight.address() as AddressInfo).port}`)
const layerClient = client(layer.endpoint)

const table = (ddb: DynamoDBClient, TableName: string, stream: boolean) =>
  ddb.send(
    new CreateTableCommand({
      TableName,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      ...(stream
        ? {
            StreamSpecification: {
              StreamEnabled: true,
              StreamViewType: 'NEW_AND_OLD_IMAGES' as const,
            },
          }
        : {}),
    }),
  )
await table(dynaliteClient, 'bench', false)
await table(layerClient, 'bench', false)
await table(layerClient, 'bench-stream', true)
await new Promise((resolve) => setTimeout(resolve, 50))

let sequence = 0
const item = (i: number) => ({
  pk: { S: `item-${sequence}-${i}` },
  payload: { S: 'x'.repeat(200) },
  version: { N: '1' },
})

/** Runs `count` tasks with `inFlight` at a time; returns tasks per second. */
async function throughput(count: number, task: (i: number) => Promise<unknown>): Promise<number> {
  sequence++
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await task(next++)
    }),
  )
  return count / ((performance.now() - started) / 1000)
}

const conditionalPut = (ddb: DynamoDBClient, TableName: string) => (i: number) =>
  ddb.send(
    new PutItemCommand({
      TableName,
      Item: item(i),
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  )
const tenPuts = (ddb: DynamoDBClient) => (i: number) =>
  Promise.all(Array.from({ length: 10 }, (_, j) => conditionalPut(ddb, 'bench')(i * 10 + j)))
const tenActionTransaction = (ddb: DynamoDBClient) => (i: number) =>
  ddb.send(
    new TransactWriteItemsCommand({
      TransactItems: Array.from({ length: 10 }, (_, j) => ({
        Put: {
          TableName: 'bench',
          Item: item(i * 10 + j),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })),
    }),
  )

// Warm up both (JIT, connections).
await throughput(300, conditionalPut(dynaliteClient, 'bench'))
await throughput(300, conditionalPut(layerClient, 'bench'))

const best = { dynalite: 0, layer: 0, layerStream: 0, dynaliteTenPuts: 0, layerTransactions: 0 }
for (let round = 1; round <= rounds; round++) {
  const figures = {
    dynalite: await throughput(putsPerRound, conditionalPut(dynaliteClient, 'bench')),
    layer: await throughput(putsPerRound, conditionalPut(layerClient, 'bench')),
    layerStream: await throughput(putsPerRound, conditionalPut(layerClient, 'bench-stream')),
    dynaliteTenPuts: await throughput(transactionsPerRound, tenPuts(dynaliteClient)),
    layerTransactions: await throughput(transactionsPerRound, tenActionTransaction(layerClient)),
  }
  console.log(
    `round ${round}: ` +
      Object.entries(figures)
        .map(([name, value]) => `${name} ${value.toFixed(0)}/s`)
        .join(', '),
  )
  for (const [name, value] of Object.entries(figures) as [keyof typeof best, number][]) {
    best[name] = Math.max(best[name], value)
  }
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`
// With the client in this process, a request's whole cost (SDK, HTTP, the emulator) is 1/rate.
const perRequest = (rate: number) => `${(1000 / rate).toFixed(3)} ms per request`
console.log(`\nconditional PutItem, ${inFlight} in flight (best of ${rounds} rounds):`)
console.log(
  `  straight dynalite          ${best.dynalite.toFixed(0)} puts/s  (${perRequest(best.dynalite)})`,
)
console.log(
  `  layer                      ${best.layer.toFixed(0)} puts/s  (${perRequest(best.layer)}, ${ratio(best.layer, best.dynalite)} dynalite)`,
)
console.log(
  `  layer, stream on the table ${best.layerStream.toFixed(0)} puts/s  (${perRequest(best.layerStream)}, ${ratio(best.layerStream, best.dynalite)} dynalite)`,
)
console.log('10 items written conditionally:')
console.log(
  `  dynalite, 10 PutItems      ${best.dynaliteTenPuts.toFixed(0)} batches/s (${(best.dynaliteTenPuts * 10).toFixed(0)} items/s)`,
)
console.log(
  `  layer, 1 TransactWriteItems ${best.layerTransactions.toFixed(0)} transactions/s (${perRequest(best.layerTransactions)}, ${(best.layerTransactions * 10).toFixed(0)} items/s, ${ratio(best.layerTransactions, best.dynaliteTenPuts)} dynalite)`,
)
const cost = 1 - best.layer / best.dynalite
console.log(
  `layer cost on single-item writes: ${(cost * 100).toFixed(1)}% (budget 20%): ${cost < 0.2 ? 'within budget' : 'OVER BUDGET'}`,
)

await layer.stop()
await new Promise((resolve) => straight.close(resolve))
dynaliteClient.destroy()
layerClient.destroy()
