/**
 * The whole order pipeline on the embedded target, as `npm start` runs it: orders/s end to
 * end (published until processed by every consumer its subscriptions select) and
 * publish-to-processed latency p50/p99, beside its ceiling measured in the same run: the
 * raw send → receive → delete rate of the embedded SQS with nothing else in the loop.
 *
 * The burst also reports what it cost: CPU per order for the whole process (the functions'
 * worker threads included) and for the main thread, the main thread's event-loop
 * utilization, and the 1-minute load average before the run, since on a shared machine the
 * CPU the process gets, not the code alone, decides orders/s.
 *
 * BENCH_ORDERS (default 400) orders in one burst measure throughput; BENCH_PACED_ORDERS
 * (default 100) at BENCH_PACED_RATE orders/s (default 20) measure latency below
 * saturation. BENCH_SQS_MESSAGES (default 5000) messages measure the ceiling.
 * BENCH_DYNAMODB_THREAD=0 runs DynamoDB on the main thread, BENCH_MAX_CONCURRENCY=<n> sets
 * the local cap on concurrent batches per mapping, to compare with the defaults.
 */

import { availableParallelism, loadavg } from 'node:os'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SNSClient } from '@aws-sdk/client-sns'
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { SQSRecord } from 'aws-lambda'
import { DeliveryTracker } from '../../cli/delivery-tracker.ts'
import { demoOrder } from '../../cli/demo-orders.ts'
import { seedDemoStock } from '../../cli/demo-stock.ts'
import { parseStackOutputs } from '../../contracts/outputs.ts'
import { createPublisher, type EventEnvelope } from '../../functions/catalogue/index.ts'
import { createPipelineApp } from '../../lib/app.ts'
import { emulatorClientConfig } from '../../local/client-config.ts'
import { startEmbeddedAws } from '../../local/embedded-aws.ts'
import type { BatchOutcome } from '../../local/lambda/event-sources/batch-outcome.ts'
import { LatencyWindow } from '../../local/pipeline/latency-window.ts'
import { envelopeOf, publishedAt } from '../../local/pipeline/published-at.ts'
import { startLocalPipeline } from '../../local/pipeline/start-local-pipeline.ts'

const burstOrders = Number(process.env.BENCH_ORDERS ?? 400)
const pacedOrders = Number(process.env.BENCH_PACED_ORDERS ?? 100)
const pacedRate = Number(process.env.BENCH_PACED_RATE ?? 20)
const sqsMessages = Number(process.env.BENCH_SQS_MESSAGES ?? 5000)
const deadlineMs = 120_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const fmt = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(0))

/** Records/s of send (batches of 10) → receive (10, long poll) → delete (batch) on one queue. */
async function rawSqsRate(): Promise<number> {
  const aws = await startEmbeddedAws({ port: 0 })
  const sqs = new SQSClient(emulatorClientConfig(aws.endpoint))
  try {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-ceiling' }))
    const started = performance.now()
    let sent = 0
    let done = 0
    const senders = Array.from({ length: 2 }, async () => {
      while (sent < sqsMessages) {
        const n = Math.min(10, sqsMessages - sent)
        sent += n
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl,
            Entries: Array.from({ length: n }, (_, i) => ({
              Id: String(i),
              MessageBody: `{"n":${sent + i}}`,
            })),
          }),
        )
      }
    })
    const consumers = Array.from({ length: 4 }, async () => {
      while (done < sqsMessages && performance.now() - started < deadlineMs) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        )
        if (Messages.length === 0) continue
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        )
        done += Messages.length
      }
    })
    await Promise.all([...senders, ...consumers])
    return done / ((performance.now() - started) / 1000)
  } finally {
    sqs.destroy()
    await aws.stop()
  }
}

const ceiling = await rawSqsRate()
console.log(
  `embedded SQS send→receive→delete: ${fmt(ceiling)} messages/s (${sqsMessages} messages)`,
)

let observe: ((outcome: BatchOutcome) => void) | undefined
const pipeline = await startLocalPipeline({
  createApp: createPipelineApp,
  port: 0,
  onBatch: (outcome) => observe?.(outcome),
  dynamoDbThread: process.env.BENCH_DYNAMODB_THREAD !== '0',
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

/**
 * Publishes orders (order.placed) and waits until every delivery is made and every order is
 * settled: its order.confirmed or order.cancelled projected into the read model.
 */
async function run(orders: number, ratePerSecond: number | undefined) {
  const tracker = new DeliveryTracker(pipeline.stack, resources)
  const settled = new Map<string, number>()
  const delivery = new LatencyWindow(100_000)
  const orderDone = new Map<string, { published: number; last: number }>()
  observe = (outcome) => {
    tracker.observe(outcome)
    for (const record of outcome.records as SQSRecord[]) {
      if (!outcome.succeeded.has(record.messageId)) continue
      const at = publishedAt(record)
      delivery.add(outcome.settledAt - at)
      const envelope = envelopeOf(record)
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
  const { delivered, expected } = tracker.counts()
  const completion = new LatencyWindow(100_000)
  for (const { published, last } of orderDone.values()) completion.add(last - published)
  return {
    seconds,
    settledSeconds,
    settled: settled.size,
    delivered,
    expected,
    delivery,
    completion,
    cost,
  }
}

// A short warm-up so the burst does not pay for first-use costs (connections, JIT).
await run(20, undefined)
const burst = await run(burstOrders, undefined)
const paced = await run(pacedOrders, pacedRate)
sns.destroy()
await pipeline.stop()

const ordersPerSecond = burstOrders / burst.seconds
const settledPerSecond = burst.settled / burst.settledSeconds
const deliveriesPerSecond = burst.delivered / burst.seconds
console.log(
  `burst of ${burstOrders} orders (5% declined, 5% out of stock): ${settledPerSecond.toFixed(1)} orders settled/s (confirmed or cancelled, in the read model; ${burst.settled}/${burstOrders} in ${burst.settledSeconds.toFixed(1)} s) beside the raw SQS ceiling of ${fmt(ceiling)} messages/s`,
)
console.log(
  `burst of ${burstOrders} orders: ${ordersPerSecond.toFixed(1)} orders/s end to end, ${deliveriesPerSecond.toFixed(0)} deliveries/s (${burst.delivered}/${burst.expected} deliveries in ${burst.seconds.toFixed(1)} s)`,
)
console.log(
  `  publish→processed per delivery p50 ${fmt(burst.delivery.percentile(50))} ms, p99 ${fmt(burst.delivery.percentile(99))} ms; per order (all consumers) p50 ${fmt(burst.completion.percentile(50))} ms, p99 ${fmt(burst.completion.percentile(99))} ms`,
)
console.log(
  `  cost: ${burst.cost.cpuMsPerOrder.toFixed(1)} ms CPU/order (main thread ${burst.cost.mainCpuMsPerOrder.toFixed(1)}), ${burst.cost.cores.toFixed(2)} cores used, main event loop ${(100 * burst.cost.mainUtilization).toFixed(0)}% busy; load average ${burst.cost.load.toFixed(1)} on ${availableParallelism()} cores before the burst`,
)
console.log(
  `${pacedOrders} orders at ${pacedRate}/s: publish→processed per delivery p50 ${fmt(paced.delivery.percentile(50))} ms, p99 ${fmt(paced.delivery.percentile(99))} ms; per order p50 ${fmt(paced.completion.percentile(50))} ms, p99 ${fmt(paced.completion.percentile(99))} ms (${paced.delivered}/${paced.expected} deliveries)`,
)
console.log(
  `ratio: orders settled/s ÷ raw SQS messages/s = ${(settledPerSecond / ceiling).toFixed(4)}; pipeline deliveries/s ÷ raw SQS messages/s = ${(deliveriesPerSecond / ceiling).toFixed(3)}; orders/s ÷ raw SQS messages/s = ${(ordersPerSecond / ceiling).toFixed(4)}`,
)
if (
  burst.delivered !== burst.expected ||
  paced.delivered !== paced.expected ||
  burst.settled !== burstOrders ||
  paced.settled !== pacedOrders
) {
  console.log(
    'WARNING: not every delivery was made or not every order settled before the deadline; the figures above are incomplete',
  )
}
