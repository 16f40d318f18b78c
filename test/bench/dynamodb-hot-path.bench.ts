/**
 * The embedded DynamoDB layer's hot-path levers, each on and off in one process
 * (`DynamoDbLayerOptions`: `cacheTables`, `itemsInMemory`), on the two requests the consumer
 * runtime sends for a batch of ten with leases off: a BatchGetItem of ten idempotency records
 * not written yet, and a TransactWriteItems of their ten completions (the runtime's own
 * expressions, functions/runtime/idempotency-record.ts), through the AWS SDK over loopback
 * HTTP. One batch at a time, as one consumer sends them; each round is a fresh layer, and
 * rounds rotate the settings so that a change in the machine's load falls on all alike. The
 * medians count, in CPU of the whole process (client and layer) a batch and batches/s.
 *
 * BENCH_DYNAMODB_BATCHES (default 300) batches a round, BENCH_DYNAMODB_ROUNDS (default 3)
 * rounds of each setting.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { availableParallelism, loadavg } from 'node:os'
import {
  BatchGetItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import { completionUpdate, newLock, recordKey } from '../../functions/runtime/idempotency-record.ts'
import { emulatorClientConfig } from '../../local/client-config.ts'
import { createDynamoDbLayer, type DynamoDbLayerOptions } from '../../local/dynamodb/layer.ts'

const client = (endpoint: string) =>
  new DynamoDBClient({ ...emulatorClientConfig(endpoint), maxAttempts: 1 })
let sequence = 0

const batches = Number(process.env.BENCH_DYNAMODB_BATCHES ?? 300)
const leverRounds = Number(process.env.BENCH_DYNAMODB_ROUNDS ?? 3)
const settings: Record<string, Pick<DynamoDbLayerOptions, 'cacheTables' | 'itemsInMemory'>> = {
  'both on (default)': {},
  'tables cached, items not in memory': { itemsInMemory: false },
  'items in memory, tables not cached': { cacheTables: false },
  'both off (as before)': { cacheTables: false, itemsInMemory: false },
}

/** One round: a fresh layer with these settings, `batches` lease-off batches of ten, one at a time. */
async function idempotencyRound(options: (typeof settings)[string]) {
  const dynamodb = await createDynamoDbLayer({ ttlSweepIntervalMs: 0, ...options })
  const server = createServer({ keepAliveTimeout: 60_000 }, dynamodb.handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const ddb = client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  try {
    await ddb.send(
      new CreateTableCommand({
        TableName: 'idempotency',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    const recordTable = { tableName: 'idempotency', dedupeWindowSeconds: 3600 }
    const now = Math.floor(Date.now() / 1000)
    const batch = async (b: number) => {
      const locks = Array.from({ length: 10 }, (_, i) =>
        newLock(`bench#${sequence}-${b}-${i}`, `owner-${b}-${i}`, now, 60, 'unheld'),
      )
      await ddb.send(
        new BatchGetItemCommand({
          RequestItems: { idempotency: { Keys: locks.map((lock) => recordKey(lock.key)) } },
        }),
      )
      await ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: locks.map((lock) => ({
            Update: completionUpdate(recordTable, lock, now),
          })),
        }),
      )
    }
    sequence++
    for (let b = 0; b < 50; b++) await batch(-b - 1)
    const cpu = process.cpuUsage()
    const started = performance.now()
    for (let b = 0; b < batches; b++) await batch(b)
    const seconds = (performance.now() - started) / 1000
    const { user, system } = process.cpuUsage(cpu)
    return { perSecond: batches / seconds, cpuMsPerBatch: (user + system) / 1000 / batches }
  } finally {
    ddb.destroy()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await dynamodb.close()
  }
}

console.log(
  `\nthe consumer runtime's requests a batch of ten, leases off (BatchGetItem + TransactWriteItems), ${batches} batches a round:`,
)
const names = Object.keys(settings)
const figures = new Map(
  names.map((name) => [name, [] as { perSecond: number; cpuMsPerBatch: number }[]]),
)
for (let round = 0; round < leverRounds; round++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + round) % names.length] as string
    const result = await idempotencyRound(settings[name] as (typeof settings)[string])
    figures.get(name)?.push(result)
    console.log(
      `  round ${round + 1} ${name.padEnd(36)} ${result.perSecond.toFixed(0)} batches/s, ${result.cpuMsPerBatch.toFixed(2)} ms CPU a batch (load ${loadavg()[0]?.toFixed(1)})`,
    )
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0
const before = median((figures.get('both off (as before)') ?? []).map((r) => r.cpuMsPerBatch))
for (const name of names) {
  const results = figures.get(name) ?? []
  const cpu = median(results.map((r) => r.cpuMsPerBatch))
  console.log(
    `  ${name.padEnd(36)} median ${median(results.map((r) => r.perSecond)).toFixed(0)} batches/s, ${cpu.toFixed(2)} ms CPU a batch (${(cpu / before).toFixed(2)} of both off)`,
  )
}
console.log(`load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`)
