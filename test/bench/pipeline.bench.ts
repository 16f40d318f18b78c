/**
 * The whole order pipeline on the embedded target, as `npm start` runs it, beside its ceiling
 * measured in the same run: the raw send → receive → delete rate of the embedded SQS with
 * nothing else in the loop (over HTTP and over the in-process transport the pollers use).
 *
 * - A cold burst (after 20 warm-up orders, while every isolate still compiles) and a steady
 *   burst (after warm-up bursts until deliveries/s moves less than 10 % between two): orders
 *   settled/s (confirmed or cancelled in the read model), deliveries/s, CPU per delivery.
 * - Orders paced at 20/s: publish → processed latency p50/p99 of the latency-sensitive
 *   consumers (the saga's steps: orders, inventory, payments) and of all.
 * - Requests per order by service and operation in the steady burst, the DynamoDB request
 *   units they would consume, Lambda invocations and GB-seconds from the measured handler
 *   durations at each function's memory size, and from them the AWS bill per million orders
 *   beside Powertools' BatchProcessor + makeIdempotent (test/bench/aws-bill.ts has the prices
 *   and where they come from).
 *
 * The load average is printed with the figures: on a shared machine the CPU the process gets,
 * not the code alone, decides them. `--json` prints one JSON object instead.
 *
 * BENCH_ORDERS (default 400) orders a burst, BENCH_WARMUP_BURSTS (default 4) warm-up bursts
 * at most, BENCH_PACED_ORDERS (default 100) at BENCH_PACED_RATE orders/s (default 20),
 * BENCH_SQS_MESSAGES (default 5000) for the ceiling. BENCH_DYNAMODB_THREAD=0 runs DynamoDB on
 * the main thread, BENCH_IN_PROCESS=0 sends the functions' and pollers' requests over signed
 * HTTP, BENCH_MAX_CONCURRENCY=<n> sets the local cap on concurrent batches per mapping.
 */

import { availableParallelism, loadavg } from 'node:os'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SNSClient } from '@aws-sdk/client-sns'
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { SQSRecord } from 'aws-lambda'
import { DeliveryTracker } from '../../cli/delivery-tracker.ts'
import { demoOrder } from '../../cli/demo-orders.ts'
import { seedDemoStock } from '../../cli/demo-stock.ts'
import { parseStackOutputs } from '../../contracts/outputs.ts'
import { RUNTIME_METRICS } from '../../contracts/runtime-metrics.ts'
import { createPublisher, type EventEnvelope } from '../../functions/catalogue/index.ts'
import { createPipelineApp } from '../../lib/app.ts'
import { emulatorClientConfig } from '../../local/client-config.ts'
import { startEmbeddedAws } from '../../local/embedded-aws.ts'
import type { BatchOutcome } from '../../local/lambda/event-sources/batch-outcome.ts'
import { LatencyWindow } from '../../local/pipeline/latency-window.ts'
import { envelopeOf, publishedAt } from '../../local/pipeline/published-at.ts'
import { startLocalPipeline } from '../../local/pipeline/start-local-pipeline.ts'
import { billPerMillionOrders, powertoolsUsage, priceSources, prices } from './aws-bill.ts'
import { sendReceiveDelete } from './sqs-ceiling.ts'

const json = process.argv.includes('--json')
const say = json ? () => {} : (line: string) => console.log(line)
const burstOrders = Number(process.env.BENCH_ORDERS ?? 400)
const warmupBursts = Number(process.env.BENCH_WARMUP_BURSTS ?? 4)
const inProcess = process.env.BENCH_IN_PROCESS !== '0'
const pacedOrders = Number(process.env.BENCH_PACED_ORDERS ?? 100)
const pacedRate = Number(process.env.BENCH_PACED_RATE ?? 20)
const sqsMessages = Number(process.env.BENCH_SQS_MESSAGES ?? 5000)
const deadlineMs = 120_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const fmt = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(0))

/**
 * The hops of publish → processed, for a record delivered on its first receive: SNS's fan-out
 * (publish to SQS's SentTimestamp), waiting in the queue for a poller's receive (to its
 * ApproximateFirstReceiveTimestamp), gathering the batch (to the invocation), the invocation
 * (the worker's round trip, the handler and its DynamoDB requests), settling (the delete).
 */
const stageNames = ['fanOut', 'queued', 'gathered', 'invocation', 'settling'] as const

/** When the event in a record was decided: its envelope's timestamp. */
function decidedAt(record: SQSRecord): number | undefined {
  try {
    let body = JSON.parse(record.body) as { Type?: string; Message?: string; timestamp?: string }
    if (body.Type === 'Notification' && typeof body.Message === 'string')
      body = JSON.parse(body.Message) as typeof body
    const at = Date.parse(body.timestamp ?? '')
    return Number.isFinite(at) ? at : undefined
  } catch {
    return undefined
  }
}

const percentiles = (window: LatencyWindow) => ({
  p50: Number((window.percentile(50) ?? Number.NaN).toFixed(1)),
  p99: Number((window.percentile(99) ?? Number.NaN).toFixed(1)),
})

/** Records/s of the embedded SQS's send → receive → delete loop (sqs-ceiling.ts), over `transport`. */
async function rawSqsRate(transport: 'http' | 'in-process'): Promise<number> {
  const aws = await startEmbeddedAws({ port: 0 })
  const sqs = new SQSClient(
    emulatorClientConfig(
      aws.endpoint,
      aws.region,
      transport === 'in-process' ? aws.transport : undefined,
    ),
  )
  try {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-ceiling' }))
    const { done, seconds } = await sendReceiveDelete(sqs, QueueUrl as string, sqsMessages, {
      deadlineMs,
    })
    return done / seconds
  } finally {
    sqs.destroy()
    await aws.stop()
  }
}

const ceilingOverHttp = await rawSqsRate('http')
const ceilingInProcess = await rawSqsRate('in-process')
// The ratios are taken against the higher of the two: the stricter ceiling.
const ceiling = Math.max(ceilingOverHttp, ceilingInProcess)
say(
  `embedded SQS send→receive→delete: ${fmt(ceilingOverHttp)} messages/s over HTTP, ${fmt(ceilingInProcess)} in process (${sqsMessages} messages each)`,
)

let observe: ((outcome: BatchOutcome) => void) | undefined
const pipeline = await startLocalPipeline({
  createApp: createPipelineApp,
  port: 0,
  onBatch: (outcome) => observe?.(outcome),
  dynamoDbThread: process.env.BENCH_DYNAMODB_THREAD !== '0',
  inProcessTransport: inProcess,
  maxConcurrencyPerMapping: process.env.BENCH_MAX_CONCURRENCY
    ? Number(process.env.BENCH_MAX_CONCURRENCY)
    : undefined,
})
const resources = parseStackOutputs(pipeline.stack.outputs)
const sns = new SNSClient(emulatorClientConfig(pipeline.aws.endpoint))
// Stocked as `pipeline dev` stocks them, so inventory reserves orders instead of rejecting them.
const stockClient = new DynamoDBClient(emulatorClientConfig(pipeline.aws.endpoint))
await seedDemoStock(
  DynamoDBDocumentClient.from(stockClient),
  resources.inventoryTableName,
  1_000_000,
)
stockClient.destroy()
const publisher = createPublisher({ topicArn: resources.eventTopicArn, sns })

// The saga's unhappy branches as `npm start` mixes them (no cancellations: they come later).
const mix = { declined: 0.05, outOfStock: 0.05, cancel: 0 }
const projections = resources.consumers.find((c) => c.name === 'projections')?.functionName
const consumerNames = new Map(resources.consumers.map((c) => [c.functionName, c.name]))
/** The saga's steps: an order waits on each of them in turn. */
const latencySensitiveFunctions = new Set(
  resources.consumers
    .filter((c) => ['orders', 'inventory', 'payments'].includes(c.name))
    .map((c) => c.functionName),
)

/**
 * Publishes orders (order.placed) and waits until every delivery is made and every order is
 * settled: its order.confirmed or order.cancelled projected into the read model.
 */
async function run(orders: number, ratePerSecond: number | undefined) {
  const tracker = new DeliveryTracker(pipeline.stack, resources)
  const sensitive = new LatencyWindow(100_000)
  const invocations = new Map<string, { count: number; ms: number }>()
  const countsBefore = await pipeline.aws.requestCounts()
  const settled = new Map<string, number>()
  const delivery = new LatencyWindow(100_000)
  const orderDone = new Map<string, { published: number; last: number }>()
  const stages = Object.fromEntries(
    stageNames.map((name) => [name, new LatencyWindow(100_000)]),
  ) as Record<(typeof stageNames)[number], LatencyWindow>
  const handlerMs = new LatencyWindow(100_000)
  const outboxHop = new LatencyWindow(100_000)
  const hopSeen = new Set<string>()
  const placedAt = new Map<string, number>()
  const byConsumer = new Map<string, { latency: LatencyWindow; redelivered: number }>()
  // The hops are taken apart at a steady rate only, so the bursts' CPU figures stay as they were.
  const paced = ratePerSecond !== undefined
  observe = (outcome) => {
    tracker.observe(outcome)
    const fn = invocations.get(outcome.functionName) ?? { count: 0, ms: 0 }
    invocations.set(outcome.functionName, {
      count: fn.count + 1,
      ms: fn.ms + outcome.durationMs,
    })
    const latencySensitive = latencySensitiveFunctions.has(outcome.functionName)
    if (paced && latencySensitive)
      for (const ms of outcome.metrics[RUNTIME_METRICS.processingLatency] ?? []) handlerMs.add(ms)
    for (const record of outcome.records as SQSRecord[]) {
      if (!outcome.succeeded.has(record.messageId)) continue
      const at = publishedAt(record)
      delivery.add(outcome.settledAt - at)
      if (latencySensitive) sensitive.add(outcome.settledAt - at)
      if (paced) {
        const name = consumerNames.get(outcome.functionName) ?? outcome.functionName
        const consumer = byConsumer.get(name) ?? {
          latency: new LatencyWindow(100_000),
          redelivered: 0,
        }
        consumer.latency.add(outcome.settledAt - at)
        if (record.attributes.ApproximateReceiveCount !== '1') consumer.redelivered++
        byConsumer.set(name, consumer)
      }
      // Where a first delivery's time goes, hop by hop (a redelivery's first receive is older).
      if (paced && latencySensitive && record.attributes.ApproximateReceiveCount === '1') {
        const sent = Number(record.attributes.SentTimestamp)
        const received = Number(record.attributes.ApproximateFirstReceiveTimestamp)
        const invoked = outcome.invokedAt + outcome.durationMs
        stages.fanOut.add(sent - at)
        stages.queued.add(received - sent)
        stages.gathered.add(outcome.invokedAt - received)
        stages.invocation.add(outcome.durationMs)
        stages.settling.add(outcome.settledAt - invoked)
      }
      const envelope = envelopeOf(record)
      // The outbox's hop: from the event's decision (its timestamp) to the publisher's publish.
      if (
        paced &&
        envelope &&
        envelope.eventType !== 'order.placed' &&
        !hopSeen.has(envelope.eventId)
      ) {
        hopSeen.add(envelope.eventId)
        const decided = decidedAt(record)
        if (decided !== undefined) outboxHop.add(at - decided)
      }
      const settling =
        envelope?.eventType === 'order.confirmed' || envelope?.eventType === 'order.cancelled'
      if (settling && outcome.functionName === projections) {
        const orderId = (JSON.parse(record.body) as { payload: { orderId: string } }).payload
          .orderId
        if (!settled.has(orderId)) settled.set(orderId, outcome.settledAt)
      }
      const id = envelope?.eventId
      if (id)
        orderDone.set(id, {
          published: at,
          last: Math.max(orderDone.get(id)?.last ?? 0, outcome.settledAt),
        })
    }
  }
  const events: EventEnvelope[] = Array.from({ length: orders }, () => demoOrder(mix).placed)
  const load = loadavg()[0] ?? 0
  const cpu = process.cpuUsage()
  const mainCpu = process.threadCpuUsage()
  const utilization = performance.eventLoopUtilization()
  const started = performance.now()
  if (ratePerSecond === undefined) {
    for (const event of events) tracker.published(event)
    for (let i = 0; i < events.length; i += 100)
      await publisher.publishAll(events.slice(i, i + 100))
  } else {
    for (const event of events) {
      tracker.published(event)
      placedAt.set((event.payload as { orderId: string }).orderId, Date.now())
      await publisher.publish(event)
      await sleep(1000 / ratePerSecond)
    }
  }
  const startedAt = Date.now()
  while (
    (tracker.pending().length > 0 || settled.size < orders) &&
    performance.now() - started < deadlineMs
  )
    await sleep(20)
  const seconds = (performance.now() - started) / 1000
  const settledSeconds = (Math.max(startedAt, ...settled.values()) - startedAt) / 1000
  const ms = ({ user, system }: NodeJS.CpuUsage) => (user + system) / 1000
  const cost = {
    load,
    cpuMsPerOrder: ms(process.cpuUsage(cpu)) / orders,
    mainCpuMsPerOrder: ms(process.threadCpuUsage(mainCpu)) / orders,
    cores: ms(process.cpuUsage(cpu)) / 1000 / seconds,
    mainUtilization: performance.eventLoopUtilization(utilization).utilization,
  }
  const countsAfter = await pipeline.aws.requestCounts()
  const requests: Record<string, number> = {}
  for (const [key, n] of Object.entries(countsAfter)) {
    const added = n - (countsBefore[key] ?? 0)
    if (added > 0) requests[key] = added / orders
  }
  const { delivered, expected } = tracker.counts()
  const completion = new LatencyWindow(100_000)
  for (const { published, last } of orderDone.values()) completion.add(last - published)
  const orderSettled = new LatencyWindow(100_000)
  for (const [orderId, at] of placedAt) {
    const done = settled.get(orderId)
    if (done !== undefined) orderSettled.add(done - at)
  }
  return {
    seconds,
    settledSeconds,
    settled: settled.size,
    delivered,
    expected,
    delivery,
    sensitive,
    completion,
    stages,
    byConsumer,
    handlerMs,
    outboxHop,
    orderSettled,
    cost,
    requests,
    invocations,
  }
}

// A short warm-up, then the cold burst: every isolate still compiling what it runs.
await run(20, undefined)
const cold = await run(burstOrders, undefined)
const rate = (r: Awaited<ReturnType<typeof run>>) => r.delivered / r.seconds
// Warm-up bursts until the figure stops moving (less than 10 % between two bursts).
let previous = cold
let warmups = 0
for (; warmups < warmupBursts; warmups++) {
  const next = await run(burstOrders, undefined)
  const settledDown = Math.abs(rate(next) - rate(previous)) / rate(previous) < 0.1
  previous = next
  if (settledDown) break
}
const steady = await run(burstOrders, undefined)
const paced = await run(pacedOrders, pacedRate)
sns.destroy()
const functionMemory = new Map(
  [...pipeline.mappings.functions.values()].map((fn) => [
    fn.definition.functionName,
    fn.definition.memorySizeMb,
  ]),
)
await pipeline.stop()

const round = (n: number | undefined, digits = 1) =>
  n === undefined ? undefined : Number(n.toFixed(digits))
const rounded = (record: Readonly<Record<string, number>>, digits = 2) =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, round(v, digits)]))
const settledPerSecond = (r: typeof steady) => r.settled / r.settledSeconds
const unitKey = /^DynamoDB\.(WRU|RRU)( |$)/

/** What an order of this run would cost on AWS, ours beside Powertools', and from what. */
function billOf(r: typeof steady, orders: number) {
  const perOrder = (key: string) => r.requests[key] ?? 0
  const requests = Object.fromEntries(
    Object.entries(r.requests)
      .filter(([key]) => !unitKey.test(key))
      .sort(([a], [b]) => a.localeCompare(b)),
  )
  let lambdaInvocations = 0
  let lambdaGbSeconds = 0
  for (const [name, { count, ms }] of r.invocations) {
    lambdaInvocations += count / orders
    lambdaGbSeconds += ((functionMemory.get(name) ?? 128) / 1024) * (ms / 1000 / orders)
  }
  const usage = {
    requests,
    writeRequestUnits: perOrder('DynamoDB.WRU'),
    readRequestUnits: perOrder('DynamoDB.RRU'),
    lambdaInvocations,
    lambdaGbSeconds,
  }
  const share = {
    records: r.delivered / orders,
    idempotencyWru: perOrder(`DynamoDB.WRU ${resources.idempotencyTableName}`),
    idempotencyRru: perOrder(`DynamoDB.RRU ${resources.idempotencyTableName}`),
    loneEffectWru: perOrder(`DynamoDB.WRU ${resources.ordersTableName}`),
  }
  const ours = billPerMillionOrders(usage)
  const powertools = billPerMillionOrders(powertoolsUsage(usage, share))
  return {
    requestsPerOrder: rounded(requests),
    dynamoDbRequestUnitsPerOrder: {
      write: round(usage.writeRequestUnits, 2),
      read: round(usage.readRequestUnits, 2),
      byTable: rounded(
        Object.fromEntries(
          Object.entries(r.requests)
            .filter(([key]) => unitKey.test(key) && key.includes(' '))
            .map(([key, n]) => [key.replace('DynamoDB.', ''), n]),
        ),
      ),
    },
    lambdaPerOrder: {
      invocations: round(lambdaInvocations, 2),
      gbSeconds: round(lambdaGbSeconds, 4),
    },
    idempotencyShare: rounded({ ...share }),
    ours: rounded({ ...ours }),
    powertools: rounded({ ...powertools }),
    oursToPowertools: round(ours.total / powertools.total, 2),
  }
}

const steadyDeliveriesPerOrder = steady.delivered / burstOrders
const steadyBill = billOf(steady, burstOrders)
const pacedBill = billOf(paced, pacedOrders)
const figures = {
  measuredAt: new Date().toISOString(),
  loadAverageBefore: round(steady.cost.load),
  loadAverageBeforePaced: round(paced.cost.load),
  cores: availableParallelism(),
  ceilingMessagesPerSecond: round(ceiling, 0),
  ceilingOverHttpMessagesPerSecond: round(ceilingOverHttp, 0),
  ceilingInProcessMessagesPerSecond: round(ceilingInProcess, 0),
  coldDeliveriesPerSecond: round(rate(cold), 0),
  coldOrdersSettledPerSecond: round(settledPerSecond(cold)),
  coldCpuMsPerDelivery: round(cold.cost.cpuMsPerOrder / (cold.delivered / burstOrders), 2),
  coldToCeiling: round(rate(cold) / ceiling, 3),
  warmupBursts: warmups + 1,
  steadyDeliveriesPerSecond: round(rate(steady), 0),
  cpuMsPerDelivery: round(steady.cost.cpuMsPerOrder / steadyDeliveriesPerOrder, 2),
  // The main thread runs SNS/SQS, the pollers and the runner: when it is busy all the time,
  // its CPU per delivery bounds deliveries/s on its own.
  mainThreadCpuMsPerDelivery: round(steady.cost.mainCpuMsPerOrder / steadyDeliveriesPerOrder, 2),
  mainEventLoopUtilization: round(steady.cost.mainUtilization, 2),
  coresUsed: round(steady.cost.cores, 2),
  ordersPerSecond: round(settledPerSecond(steady)),
  steadyToCeiling: round(rate(steady) / ceiling, 3),
  deliveriesPerOrder: round(steadyDeliveriesPerOrder, 2),
  pacedOrdersPerSecond: pacedRate,
  p50LatencyMs: round(paced.sensitive.percentile(50), 0),
  p99LatencyMs: round(paced.sensitive.percentile(99), 0),
  allConsumersP50LatencyMs: round(paced.delivery.percentile(50), 0),
  allConsumersP99LatencyMs: round(paced.delivery.percentile(99), 0),
  latencySensitiveHopsMs: {
    ...Object.fromEntries(stageNames.map((name) => [name, percentiles(paced.stages[name])])),
    handlerPerRecord: percentiles(paced.handlerMs),
  },
  /** Each consumer's publish → processed at the paced rate, and how many records it was given again (retries). */
  byConsumerMs: Object.fromEntries(
    [...paced.byConsumer].map(([name, { latency, redelivered }]) => [
      name,
      { ...percentiles(latency), records: latency.size, redelivered },
    ]),
  ),
  outboxHopMs: percentiles(paced.outboxHop),
  orderPlacedToSettledMs: percentiles(paced.orderSettled),
  requestsPerOrder: steadyBill.requestsPerOrder,
  billPerMillionOrdersUsd: {
    steadyBurst: steadyBill,
    pacedAt20PerSecond: pacedBill,
    prices,
    priceSources,
  },
  complete:
    [cold, steady, paced].every((r) => r.delivered === r.expected) &&
    cold.settled === burstOrders &&
    steady.settled === burstOrders &&
    paced.settled === pacedOrders,
}

if (json) {
  console.log(JSON.stringify(figures, null, 2))
} else {
  const line = (name: string, r: typeof steady) =>
    `${name} burst of ${burstOrders} orders (5% declined, 5% out of stock): ${settledPerSecond(r).toFixed(1)} orders settled/s, ${rate(r).toFixed(0)} deliveries/s (${r.delivered}/${r.expected} in ${r.seconds.toFixed(1)} s), ${(r.cost.cpuMsPerOrder / (r.delivered / burstOrders)).toFixed(2)} ms CPU/delivery (${r.cost.cores.toFixed(2)} cores, main event loop ${(100 * r.cost.mainUtilization).toFixed(0)}% busy); load average ${r.cost.load.toFixed(1)} on ${availableParallelism()} cores before it`
  say(line('cold', cold))
  say(line(`steady (after ${warmups + 1} warm-up bursts)`, steady))
  say(
    `  deliveries/s ÷ raw SQS ceiling: cold ${figures.coldToCeiling}, steady ${figures.steadyToCeiling}; ${figures.deliveriesPerOrder} deliveries an order`,
  )
  say(
    `${pacedOrders} orders at ${pacedRate}/s: publish→processed p50 ${fmt(figures.p50LatencyMs)} ms, p99 ${fmt(figures.p99LatencyMs)} ms for the saga's steps (orders, inventory, payments); all consumers p50 ${fmt(figures.allConsumersP50LatencyMs)} ms, p99 ${fmt(figures.allConsumersP99LatencyMs)} ms; load average ${paced.cost.load.toFixed(1)}`,
  )
  const hops = figures.latencySensitiveHopsMs
  say(
    `  where it goes (p50/p99 ms, first deliveries to the saga's steps): ${Object.entries(hops)
      .map(([name, { p50, p99 }]) => `${name} ${p50}/${p99}`)
      .join(
        ', ',
      )}; the outbox's hop (decided → published) ${figures.outboxHopMs.p50}/${figures.outboxHopMs.p99}; order placed → settled ${figures.orderPlacedToSettledMs.p50}/${figures.orderPlacedToSettledMs.p99}`,
  )
  const bill = (b: Record<string, number | undefined>) =>
    `$${b.total} (Lambda ${b.lambda}, SQS ${b.sqs}, SNS ${b.sns}, DynamoDB ${b.dynamodb})`
  for (const [name, b] of [
    ['steady burst', steadyBill],
    [`${pacedRate} orders/s`, pacedBill],
  ] as const) {
    say(
      `${name}: requests an order ${Object.entries(b.requestsPerOrder)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    )
    say(
      `  DynamoDB ${b.dynamoDbRequestUnitsPerOrder.write} WRU + ${b.dynamoDbRequestUnitsPerOrder.read} RRU an order (${Object.entries(
        b.dynamoDbRequestUnitsPerOrder.byTable,
      )
        .map(([k, n]) => `${k} ${n}`)
        .join(
          ', ',
        )}); Lambda ${b.lambdaPerOrder.invocations} invocations, ${b.lambdaPerOrder.gbSeconds} GB-s (local durations)`,
    )
    say(
      `  AWS bill per million orders: ours ${bill(b.ours)}; Powertools BatchProcessor + makeIdempotent ${bill(b.powertools)}; ours ÷ Powertools ${b.oursToPowertools}`,
    )
  }
  say(
    `  prices: ${priceSources.region} on-demand as read on ${priceSources.readOn} from ${[priceSources.lambda, priceSources.sqs, priceSources.sns, priceSources.dynamodb].join(', ')} (test/bench/aws-bill.ts)`,
  )
  if (!figures.complete)
    say(
      'WARNING: not every delivery was made or not every order settled before the deadline; the figures above are incomplete',
    )
}
