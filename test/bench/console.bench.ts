/**
 * What the web console costs the pipeline: the same burst of orders as the pipeline bench
 * (published until every order is settled in the read model) run in one process without the
 * console, with the console mounted and no page open (what `npm start` runs while nobody
 * looks), and with a page open (its polling simulated as console.js polls: the figures
 * every 2 s, the dead letters every 5 s). The figure that matters is CPU per order for the
 * whole process, the functions' worker threads included; issue 16's bar: the console with
 * no page open adds under 5%.
 *
 * BENCH_ORDERS (default 200) orders a burst, BENCH_CONSOLE_ROUNDS (default 2) bursts of
 * each variant, in rotating order so that load drifts fall on every variant alike.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { availableParallelism, loadavg } from 'node:os'
import type { SQSRecord } from 'aws-lambda'
import type { PipelineConsole } from '../../cli/console/console-server.ts'
import { consoleOrigins, consoleUrlOf, createConsole } from '../../cli/console/console-server.ts'
import { DeliveryTracker } from '../../cli/delivery-tracker.ts'
import { demoOrder } from '../../cli/demo-orders.ts'
import { pipelineReader } from '../../cli/readers/index.ts'
import { createPublisher } from '../../functions/catalogue/index.ts'
import type { BatchOutcome } from '../../local/lambda/event-sources/batch-outcome.ts'
import { envelopeOf } from '../../local/pipeline/published-at.ts'
import { startDemoPipeline } from '../support/demo-pipeline.ts'

const orders = Number(process.env.BENCH_ORDERS ?? 200)
const rounds = Number(process.env.BENCH_CONSOLE_ROUNDS ?? 3)
// The functions' threads compile the SDK for several bursts: counted bursts before that show
// the JIT's warm-up (each variant's first burst up to 1.6x its second), not the console.
const warmUps = Number(process.env.BENCH_CONSOLE_WARMUPS ?? 3)
const deadlineMs = 180_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Variant = 'without console' | 'console, no page' | 'console, page open'

let mounted: PipelineConsole | undefined
let observe: ((outcome: BatchOutcome) => void) | undefined
const demo = await startDemoPipeline(
  {
    // The console's route, mounted or not per burst (consoleMount attaches once for good).
    routes: {
      '/_pipeline/console/': (req: IncomingMessage, res: ServerResponse) => {
        if (mounted) return mounted.handle(req, res)
        req.resume()
        res.writeHead(404).end()
      },
    },
    onBatch: (outcome) => observe?.(outcome),
  },
  1_000_000,
)
const { pipeline, target, resources } = demo
const publisher = createPublisher({ topicArn: resources.eventTopicArn, sns: target.clients.sns })
const pipelineConsole = createConsole({
  reader: pipelineReader(target),
  resources,
  publisher,
  origins: consoleOrigins(pipeline.aws.endpoint),
})
const consoleUrl = consoleUrlOf(pipeline.aws.endpoint)
const projections = resources.consumers.find((c) => c.name === 'projections')?.functionName

/** An open console page's requests, as console.js makes them while it is visible. */
function openPage(): () => void {
  const get = (path: string) =>
    fetch(`${consoleUrl}${path}`).then(
      (r) => r.arrayBuffer(),
      () => {},
    )
  const timers = [
    setInterval(() => void get('api/figures'), 2000),
    setInterval(() => void get('api/dead-letters'), 5000),
  ]
  void get('api/topology')
  return () => {
    for (const timer of timers) clearInterval(timer)
  }
}

/** One burst of orders, published in PublishBatch calls of 100, until every one is settled. */
async function burst(variant: Variant) {
  mounted = variant === 'without console' ? undefined : pipelineConsole
  const closePage = variant === 'console, page open' ? openPage() : () => {}
  const tracker = new DeliveryTracker(pipeline.stack, resources)
  const settled = new Set<string>()
  observe = (outcome) => {
    tracker.observe(outcome)
    if (outcome.functionName !== projections) return
    for (const record of outcome.records as SQSRecord[]) {
      const type = envelopeOf(record)?.eventType
      if (!outcome.succeeded.has(record.messageId)) continue
      if (type === 'order.confirmed' || type === 'order.cancelled') {
        settled.add((JSON.parse(record.body) as { payload: { orderId: string } }).payload.orderId)
      }
    }
  }
  const events = Array.from(
    { length: orders },
    () => demoOrder({ declined: 0.05, outOfStock: 0.05, cancel: 0 }).placed,
  )
  const load = loadavg()[0] ?? 0
  const cpu = process.cpuUsage()
  const started = performance.now()
  for (const event of events) tracker.published(event)
  for (let i = 0; i < events.length; i += 100) await publisher.publishAll(events.slice(i, i + 100))
  while (
    (settled.size < orders || tracker.pending().length > 0) &&
    performance.now() - started < deadlineMs
  )
    await sleep(20)
  const seconds = (performance.now() - started) / 1000
  const { user, system } = process.cpuUsage(cpu)
  closePage()
  if (settled.size < orders) throw new Error(`${variant}: ${settled.size} of ${orders} settled`)
  return { cpuMsPerOrder: (user + system) / 1000 / orders, perSecond: orders / seconds, load }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const variants: readonly Variant[] = ['without console', 'console, no page', 'console, page open']
const results = new Map<Variant, Awaited<ReturnType<typeof burst>>[]>(variants.map((v) => [v, []]))
for (let i = 0; i < warmUps; i++) await burst('without console') // not counted
for (let i = 0; i < rounds; i++) {
  for (let j = 0; j < variants.length; j++) {
    const variant = variants[(i + j) % variants.length]!
    results.get(variant)!.push(await burst(variant))
  }
}
await demo.stop()

const cpuOf = (variant: Variant) => median(results.get(variant)!.map((r) => r.cpuMsPerOrder))
console.log(`bursts of ${orders} orders (5% declined, 5% out of stock), ${rounds} of each variant`)
for (const variant of variants) {
  const r = results.get(variant)!
  console.log(
    `  ${variant}: ${cpuOf(variant).toFixed(1)} ms CPU/order (bursts ${r.map((x) => x.cpuMsPerOrder.toFixed(1)).join(', ')}), ${median(r.map((x) => x.perSecond)).toFixed(1)} orders settled/s`,
  )
}
const loads = [...results.values()].flat().map((r) => r.load)
const base = cpuOf('without console')
console.log(
  `ratio: CPU/order with the console and no page ÷ without = ${(cpuOf('console, no page') / base).toFixed(3)} (bar: under 1.05); with a page open ÷ without = ${(cpuOf('console, page open') / base).toFixed(3)}; load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} on ${availableParallelism()} cores`,
)
