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
import { SQSClient } from '@aws-sdk/client-sqs'
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
const warmUpRecords = Number(process.env.BENCH_WARMUP_RECORDS ?? 1_000)
/**
 * BENCH_IN_PROCESS=1: every client (SQS and DynamoDB, each side alike) reaches the embedded
 * AWS over its in-process transport, unsigned, as the functions do in the local pipeline;
 * the default is signed HTTP, as the figures in the README were measured.
 */
const inProcess = process.env.BENCH_IN_PROCESS === '1'
/** Under --cpu-prof, each measured loop's start and end on the profile's clock (µs), to cut it to them. */
const profiled = process.execArgv.some((arg) => arg.startsWith('--cpu-prof'))
const mark = (what: string) => {
  if (profiled) console.error(`profile mark ${what} ${process.hrtime.bigint() / 1000n}`)
}
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
/** BENCH_SIDES=unleased,baseline runs only those sides (for a profile of one); the default runs all four. */
const sides = new Set((process.env.BENCH_SIDES ?? 'ours,unleased,powertools,baseline').split(','))

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>

/** A DynamoDB client that counts the requests it sends (retries included). */
function countingClient(endpoint: string) {
  const client = new DynamoDBClient(emulatorClientConfig(endpoint, undefined, transport))
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
  const created = await fixture.createConsumerResources(endpoint)
  const resources = transport
    ? { ...created, sqs: new SQSClient(emulatorClientConfig(endpoint, undefined, transport)) }
    : created
  const { client, counter } = countingClient(endpoint)
  const handler = build(resources, client)
  const bodies = Array.from({ length: count }, (_, i) => ({
    body: JSON.stringify(orderPlaced(`o-${i}`)),
  }))
  await fixture.sendBodies(resources.sqs, resources.queueUrl, bodies)
  let done = 0
  let failures = 0
  mark(`start ${label}`)
  const started = performance.now()
  const cpu = process.cpuUsage()
  while (done < count) {
    const invocation = await fixture.pollOnce(handler, resources)
    if (!invocation.ok) throw invocation.error
    if (invocation.messages.length === 0) break
    failures += invocation.response.batchItemFailures.length
    done += invocation.messages.length - invocation.response.batchItemFailures.length
  }
  const seconds = (performance.now() - started) / 1000
  const { user, system } = process.cpuUsage(cpu)
  mark(`end ${label}`)
  const result = {
    label,
    recordsPerSecond: done / seconds,
    // The whole process's CPU (client, emulator and runtime alike) a record: less at the
    // mercy of the machine's load than the rate, which counts the time others took too.
    cpuMsPerRecord: (user + system) / 1000 / done,
    requestsPerRecord: counter.requests / done,
    done,
    failures,
  }
  console.log(
    `${label.padEnd(44)} ${result.recordsPerSecond.toFixed(0).padStart(6)} records/s  ` +
      `${result.cpuMsPerRecord.toFixed(2)} ms CPU/record  ${result.requestsPerRecord.toFixed(2)} DynamoDB requests/record  (${done} records, ${failures} failures)`,
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
const transport = inProcess ? aws.transport : undefined
try {
  console.log(
    `${records} records a run, ${rounds} rounds, batches of 10, embedded AWS ${aws.endpoint} ${inProcess ? 'in process (BENCH_IN_PROCESS=1)' : 'over signed HTTP'}`,
  )
  const results: Awaited<ReturnType<typeof run>>[] = []
  // Warm the JIT and the emulator for every side; not counted.
  // 200 records were too few: a side's first rounds still ran 1.3-1.5x its last.
  if (sides.has('ours')) await run('warm-up: ours', aws.endpoint, ours, warmUpRecords)
  if (sides.has('powertools'))
    await run('warm-up: Powertools', aws.endpoint, powertools, warmUpRecords / 2)
  if (sides.has('unleased'))
    await run('warm-up: ours without leases', aws.endpoint, oursWithoutLeases, warmUpRecords)
  if (sides.has('baseline')) await run('warm-up: baseline', aws.endpoint, baseline, warmUpRecords)
  for (let round = 0; round < rounds; round++) {
    // Rotate who goes first, so drift in the machine's load does not favour one side.
    const runs = [
      ['ours', () => run(`ours (consumer runtime) round ${round + 1}`, aws.endpoint, ours)],
      [
        'unleased',
        () =>
          run(`unleased: ours, leases off, round ${round + 1}`, aws.endpoint, oursWithoutLeases),
      ],
      [
        'powertools',
        () =>
          run(`Powertools BatchProcessor+makeIdempotent r${round + 1}`, aws.endpoint, powertools),
      ],
      [
        'baseline',
        () => run(`baseline: same loop, no idempotency, r${round + 1}`, aws.endpoint, baseline),
      ],
    ] as const
    const chosen = runs.filter(([side]) => sides.has(side))
    for (let i = 0; i < chosen.length; i++) {
      results.push(await (chosen[(i + round) % chosen.length] as (typeof chosen)[number])[1]())
    }
  }
  const mean = (
    prefix: string,
    key: 'recordsPerSecond' | 'requestsPerRecord' | 'cpuMsPerRecord',
  ) => {
    const mine = results.filter((r) => r.label.startsWith(prefix))
    return mine.reduce((s, r) => s + r[key], 0) / mine.length
  }
  const figures = [
    ['ours', 'ours'],
    ['unleased', 'ours without leases'],
    ['Powertools', 'Powertools'],
    ['baseline', 'same loop without idempotency'],
  ]
    .filter(([prefix]) => results.some((r) => r.label.startsWith(prefix as string)))
    .map(([prefix, name]) => ({
      prefix: prefix as string,
      name: name as string,
      rate: mean(prefix as string, 'recordsPerSecond'),
      cpu: mean(prefix as string, 'cpuMsPerRecord'),
      requests: mean(prefix as string, 'requestsPerRecord'),
    }))
  console.log(
    `mean: ${figures
      .map(
        (f) =>
          `${f.name} ${f.rate.toFixed(0)} records/s, ${f.cpu.toFixed(2)} ms CPU/record` +
          (f.prefix === 'baseline' ? '' : ` (${f.requests.toFixed(2)} req/record)`),
      )
      .join('; ')}`,
  )
  const of = (prefix: string) => figures.find((f) => f.prefix === prefix)
  const baselineFigure = of('baseline')
  const oursFigure = of('ours')
  const theirs = of('Powertools')
  const ratios = [
    oursFigure && theirs ? `ours ÷ Powertools ${(oursFigure.rate / theirs.rate).toFixed(2)}x` : '',
    baselineFigure
      ? `of the loop without idempotency (records/s; CPU a record, baseline ÷ side): ${figures
          .filter((f) => f !== baselineFigure)
          .map(
            (f) =>
              `${f.name} ${(f.rate / baselineFigure.rate).toFixed(2)}; ${(baselineFigure.cpu / f.cpu).toFixed(2)}`,
          )
          .join(', ')}`
      : '',
  ].filter(Boolean)
  console.log(
    `ratios: ${ratios.join('; ')}; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
  )
} finally {
  await aws.stop()
}
