/**
 * Records/s through a no-op handler with idempotency on the embedded DynamoDB: our
 * consumer runtime (with leases, and with `leases: false`) vs Powertools' BatchProcessor +
 * makeIdempotent with its DynamoDB persistence layer, each beside the same loop without
 * idempotency, rounds rotated. Same emulator, same run, same loop (receive 10, invoke, delete what
 * succeeded, as Lambda's event source mapping does), same validation (the catalogue's zod
 * schema), and DynamoDB requests per record counted on each side's client.
 */

import { availableParallelism, loadavg } from 'node:os'
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch'
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency'
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda'

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT'
process.env.POWERTOOLS_METRICS_DISABLED = 'true'

const { emulatorClientConfig } = await import('../../local/client-config.ts')
const { startEmbeddedAws } = await import('../../local/embedded-aws.ts')
const { OrderPlacedV1 } = await import('../../functions/catalogue/index.ts')
const { consumer } = await import('../../functions/runtime/index.ts')
const fixture = await import('../integration/runtime/fixture.ts')
const { orderPlaced } = await import('../integration/runtime/events.ts')

const records = Number(process.env.BENCH_RECORDS ?? 1_000)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>

/** A DynamoDB client that counts the HTTP requests it sends (retries included). */
function countingClient(endpoint: string) {
  const client = new DynamoDBClient(emulatorClientConfig(endpoint))
  const counter = { requests: 0 }
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.requests++
      return next(args)
    },
    { step: 'finalizeRequest', name: 'countRequests' },
  )
  return { client, counter }
}

async function run(
  label: string,
  endpoint: string,
  build: (
    resources: Awaited<ReturnType<typeof fixture.createConsumerResources>>,
    dynamodb: DynamoDBClient,
  ) => Handler,
  count = records,
) {
  const resources = await fixture.createConsumerResources(endpoint)
  const { client, counter } = countingClient(endpoint)
  const handler = build(resources, client)
  const bodies = Array.from({ length: count }, (_, i) => ({
    body: JSON.stringify(orderPlaced(`o-${i}`)),
  }))
  await fixture.sendBodies(resources.sqs, resources.queueUrl, bodies)
  let done = 0
  let failures = 0
  const started = performance.now()
  while (done < count) {
    const invocation = await fixture.pollOnce(handler, resources)
    if (!invocation.ok) throw invocation.error
    if (invocation.messages.length === 0) break
    failures += invocation.response.batchItemFailures.length
    done += invocation.messages.length - invocation.response.batchItemFailures.length
  }
  const seconds = (performance.now() - started) / 1000
  const result = {
    label,
    recordsPerSecond: done / seconds,
    requestsPerRecord: counter.requests / done,
    done,
    failures,
  }
  console.log(
    `${label.padEnd(44)} ${result.recordsPerSecond.toFixed(0).padStart(6)} records/s  ` +
      `${result.requestsPerRecord.toFixed(2)} DynamoDB requests/record  (${done} records, ${failures} failures)`,
  )
  return result
}

/** Our consumer runtime with its defaults, or with leases off (one read a batch instead of the lease transaction). */
const oursWith =
  (leases: boolean) =>
  (
    resources: Awaited<ReturnType<typeof fixture.createConsumerResources>>,
    dynamodb: DynamoDBClient,
  ): Handler =>
    consumer({
      name: 'bench',
      events: { 'order.placed': OrderPlacedV1 },
      ...fixture.settingsFor(resources),
      clients: { sqs: resources.sqs, dynamodb },
      leases,
      async handle() {},
    })
const ours = oursWith(true)
const oursWithoutLeases = oursWith(false)

const powertools = (
  resources: Awaited<ReturnType<typeof fixture.createConsumerResources>>,
  dynamodb: DynamoDBClient,
): Handler => {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: resources.table,
    awsSdkV3Client: dynamodb,
  })
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'powertools_json(body).eventId' })
  const processor = new BatchProcessor(EventType.SQS)
  const recordHandler = makeIdempotent(
    async (record: SQSRecord) => {
      OrderPlacedV1.envelope.parse(JSON.parse(record.body))
    },
    { persistenceStore, config },
  )
  return async (event, context) => {
    config.registerLambdaContext(context)
    return processPartialResponse(event, recordHandler, processor, { context })
  }
}

/** The same loop with a handler that does nothing and no idempotency: the shared ceiling. */
const baseline = (): Handler => async () => ({ batchItemFailures: [] })

const aws = await startEmbeddedAws({ port: 0 })
try {
  console.log(
    `${records} records a run, ${rounds} rounds, batches of 10, embedded AWS ${aws.endpoint}`,
  )
  const results: Awaited<ReturnType<typeof run>>[] = []
  // Warm the JIT and the emulator for both sides; not counted.
  await run('warm-up: ours', aws.endpoint, ours, 200)
  await run('warm-up: Powertools', aws.endpoint, powertools, 200)
  await run('warm-up: ours without leases', aws.endpoint, oursWithoutLeases, 200)
  for (let round = 0; round < rounds; round++) {
    // Rotate who goes first, so drift in the machine's load does not favour one side.
    const sides = [
      () => run(`ours (consumer runtime) round ${round + 1}`, aws.endpoint, ours),
      () => run(`unleased: ours, leases off, round ${round + 1}`, aws.endpoint, oursWithoutLeases),
      () => run(`Powertools BatchProcessor+makeIdempotent r${round + 1}`, aws.endpoint, powertools),
      () => run(`baseline: same loop, no idempotency, r${round + 1}`, aws.endpoint, baseline),
    ]
    for (let i = 0; i < sides.length; i++) {
      results.push(await (sides[(i + round) % sides.length] as (typeof sides)[number])())
    }
  }
  const mean = (prefix: string, key: 'recordsPerSecond' | 'requestsPerRecord') => {
    const mine = results.filter((r) => r.label.startsWith(prefix))
    return mine.reduce((s, r) => s + r[key], 0) / mine.length
  }
  const oursRate = mean('ours', 'recordsPerSecond')
  const unleasedRate = mean('unleased', 'recordsPerSecond')
  const theirsRate = mean('Powertools', 'recordsPerSecond')
  const baselineRate = mean('baseline', 'recordsPerSecond')
  console.log(
    `mean: ours ${oursRate.toFixed(0)} records/s (${mean('ours', 'requestsPerRecord').toFixed(2)} req/record), ` +
      `ours without leases ${unleasedRate.toFixed(0)} records/s (${mean('unleased', 'requestsPerRecord').toFixed(2)} req/record), ` +
      `Powertools ${theirsRate.toFixed(0)} records/s (${mean('Powertools', 'requestsPerRecord').toFixed(2)} req/record), ` +
      `same loop without idempotency ${baselineRate.toFixed(0)} records/s`,
  )
  console.log(
    `ratios: ours ÷ Powertools ${(oursRate / theirsRate).toFixed(2)}x; of the loop without idempotency: ours ${((100 * oursRate) / baselineRate).toFixed(0)}%, without leases ${((100 * unleasedRate) / baselineRate).toFixed(0)}%, Powertools ${((100 * theirsRate) / baselineRate).toFixed(0)}%; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
  )
} finally {
  await aws.stop()
}
