import { type Command, Option } from 'commander'
import { type PipelineResources, parseStackOutputs } from '../contracts/outputs.ts'
import { IN_PROCESS_EXPORTER, TRACING_ENVIRONMENT } from '../contracts/trace-context.ts'
import {
  createPublisher,
  type EventEnvelope,
  type Publisher,
} from '../functions/catalogue/index.ts'
import { startTracing, stopTracing } from '../functions/tracing/index.ts'
import type { FaultReport } from '../local/faults/fault-injector.ts'
import type { FaultRule } from '../local/faults/fault-rules.ts'
import type { LocalPipeline } from '../local/pipeline/start-local-pipeline.ts'
import { functionBundles, pipelineApp } from './app-template.ts'
import { CliError } from './cli-error.ts'
import {
  consoleMount,
  consoleOrigins,
  consoleUrlOf,
  createConsole,
} from './console/console-server.ts'
import { type ConsumerStatus, consumerStatuses } from './consumer-status.ts'
import { DeliveryTracker } from './delivery-tracker.ts'
import { type DemoMix, defaultMix, demoOrder, parseMix } from './demo-orders.ts'
import { demoStockLevels, seedDemoStock } from './demo-stock.ts'
import { withEmbeddedAwsOptions } from './embedded.ts'
import { defaultLogPath, functionLogSink } from './function-log-file.ts'
import { type LiveViewState, liveLine, liveView, secondTerminalHints } from './live-view.ts'
import { type PipelineReader, pipelineReader } from './readers/index.ts'
import { type SagaOutcome, sagaOutcome, stockLevels } from './saga-outcome.ts'
import { statusTable } from './status-table.ts'
import { deployCommand, describeAwsError, resolveTarget, targetNames } from './target.ts'

interface DevOptions {
  readonly target?: string
  readonly port: number
  readonly dataDir?: string
  readonly faults?: readonly FaultRule[]
  readonly rate: number
  readonly mix: DemoMix
  readonly stock: number
  readonly once?: number
  readonly timeout: number
  readonly logs?: string
  readonly json?: boolean
  readonly tracing: boolean
}

/** What `pipeline dev --once N` prints and decides its exit code by. */
export interface OnceSummary {
  readonly ok: boolean
  readonly orders: number
  readonly events: number
  readonly deliveriesExpected: number
  readonly deliveriesMade: number
  readonly duplicates: number
  readonly deadLettered: number
  readonly seconds: number
  readonly ordersPerSecond: number
  readonly pending: readonly { eventId: string; eventType: string; missing: readonly string[] }[]
  readonly consumers: readonly ConsumerStatus[]
  /** How the orders ended: confirmed or cancelled as their branch says, compensated, counted. */
  readonly saga: SagaOutcome
  /** What `--faults` injected, per `service.Operation` (empty without `--faults`). */
  readonly faults: FaultReport
}

/** Attempts per request of dev's own reads and publishes under `--faults` (10 % faults: 1 in 10^10 fails). */
const faultTolerantAttempts = 10

/** Progress for a person, on stderr so that --json output stays clean. */
const progress = (line: string) => process.stderr.write(`${line}\n`)

/**
 * `npm start`: the pipeline on the embedded AWS, fed with demo orders, with a live status
 * view until Ctrl-C; or with `--once N`, N orders published, waited for, summarized.
 */
async function runDev(options: DevOptions): Promise<number> {
  if (options.target !== undefined && options.target !== 'embedded') {
    throw new CliError(
      `pipeline dev runs the pipeline on the embedded AWS only; for ${options.target}, deploy it (${deployCommand(options.target)}) and use \`pipeline status --target ${options.target}\``,
    )
  }
  const once = options.once
  if (once !== undefined && (!Number.isInteger(once) || once < 1)) {
    throw new CliError(`--once takes a number of orders (1 or more), got '${once}'`)
  }
  if (!Number.isInteger(options.stock) || options.stock < 0) {
    throw new CliError(`--stock takes a number of units (0 or more), got '${options.stock}'`)
  }
  if (!Number.isFinite(options.rate) || options.rate < 0) {
    throw new CliError(`--rate takes orders per second (0 or more), got '${options.rate}'`)
  }
  const logPath = options.logs ?? defaultLogPath(options.port)
  const logs = functionLogSink(logPath)
  let observe: ((outcome: Parameters<DeliveryTracker['observe']>[0]) => void) | undefined
  // Loaded here, not at the top: the emulators take seconds to import, and only dev needs
  // them; the CDK app only when its template is not cached (app-template.ts).
  const { startLocalPipeline } = await import('../local/pipeline/start-local-pipeline.ts')
  // The demo orders' publishes start their traces; the functions' spans join them in the store.
  if (options.tracing) {
    await startTracing({ [TRACING_ENVIRONMENT.exporter]: IN_PROCESS_EXPORTER }, 'pipeline-dev')
  }
  const mount = consoleMount()
  const pipeline = await startLocalPipeline({
    createApp: pipelineApp,
    functionBundles,
    routes: mount.routes,
    tracing: options.tracing,
    port: options.port,
    dataDir: options.dataDir,
    faults: options.faults,
    functionLog: logs.log,
    onProgress: progress,
    onBatch: (outcome) => observe?.(outcome),
    onMappingError: (error) =>
      logs.write('event-source-mapping', `error: ${(error as Error).message}`),
  })
  const resources = parseStackOutputs(pipeline.stack.outputs)
  const tracker = new DeliveryTracker(pipeline.stack, resources)
  observe = tracker.observe
  const reader = pipelineReader(
    resolveTarget({
      target: 'embedded',
      endpoint: pipeline.aws.endpoint,
      region: pipeline.aws.region,
      // The summary's reads meet the injected faults too: they must outlast them.
      maxAttempts: options.faults?.length ? faultTolerantAttempts : undefined,
    }),
  )
  const { clients } = reader.target
  if (options.stock > 0) {
    const stocked = await seedDemoStock(
      clients.documents,
      resources.inventoryTableName,
      options.stock,
    )
    progress(
      `stocked ${stocked} demo SKUs with ${options.stock} units each (others kept their stock)`,
    )
  }
  const publisher = createPublisher({ topicArn: resources.eventTopicArn, sns: clients.sns })
  if (once === undefined) {
    const pipelineConsole = createConsole({
      reader,
      resources,
      publisher,
      origins: consoleOrigins(pipeline.aws.endpoint),
      onPublished: (event) => tracker.published(event),
    })
    mount.attach(pipelineConsole)
  }
  progress(`ready on ${pipeline.aws.endpoint} (function logs: ${logPath})`)

  const stop = async () => {
    clients.destroy()
    await pipeline.stop()
    await stopTracing()
    logs.close()
  }
  if (once !== undefined) {
    try {
      const summary = await publishOnce(once, options.timeout, options.mix, {
        pipeline,
        reader,
        resources,
        tracker,
        publisher,
      })
      console.log(options.json ? JSON.stringify(summary) : describeSummary(summary))
      return summary.ok ? 0 : 1
    } finally {
      await stop()
    }
  }
  await liveMode(options, logPath, { pipeline, reader, resources, tracker, publisher }, stop)
  return 0
}

interface Running {
  readonly pipeline: LocalPipeline
  readonly reader: PipelineReader
  readonly resources: PipelineResources
  readonly tracker: DeliveryTracker
  readonly publisher: Publisher
}

async function publishOnce(
  n: number,
  timeoutSeconds: number,
  mix: DemoMix,
  run: Running,
): Promise<OnceSummary> {
  const started = performance.now()
  const deadline = Date.now() + timeoutSeconds * 1000
  const { documents } = run.reader.target.clients
  const tables = {
    orders: run.resources.ordersTableName,
    inventory: run.resources.inventoryTableName,
    payments: run.resources.paymentsTableName,
    events: run.resources.eventsTableName,
  }
  const stockBefore = await stockLevels(
    documents,
    tables.inventory,
    Object.keys(demoStockLevels(0)),
  )
  const orders = Array.from({ length: n }, () => demoOrder(mix))
  const placed = orders.map((order) => order.placed)
  // Cancellations follow once their orders settled, as a customer would cancel a confirmed
  // order (the saga then releases its stock and voids its payment).
  const cancellations = orders.flatMap((order) => (order.cancelled ? [order.cancelled] : []))
  const sagaOrders = orders.map((order) => ({
    orderId: order.orderId,
    branch: order.branch,
    items: order.placed.payload.items,
  }))
  // While waiting, the rows tell; the streams are read once, for the summary.
  const outcome = () => sagaOutcome(documents, tables, sagaOrders, stockBefore, false)
  await publishAll(run, placed, 'orders')
  // Before the cancellations, every order is settled as if it were not cancelled.
  await settle(run, deadline, () =>
    sagaOutcome(
      documents,
      tables,
      sagaOrders.map((o) => ({ ...o, branch: o.branch === 'cancel' ? 'confirmed' : o.branch })),
      stockBefore,
      false,
    ),
  )
  if (cancellations.length > 0) {
    await publishAll(run, cancellations, 'cancellations')
    await settle(run, deadline, outcome)
  }
  const saga = await sagaOutcome(documents, tables, sagaOrders, stockBefore)
  const seconds = (performance.now() - started) / 1000
  const consumers = await statuses(run)
  const counts = run.tracker.counts()
  const pending = run.tracker.pending()
  const deadLettered = consumers.reduce((sum, c) => sum + c.deadLettered, 0)
  const faults = await run.pipeline.aws.faults.report()
  // Under injected faults a delivery may come twice (a lost reply to a delete, a retried
  // publish): what must hold then is that its effects did not (the saga's duplicates).
  const redeliveriesExpected = Object.keys(faults).length > 0
  return {
    ok:
      pending.length === 0 &&
      deadLettered === 0 &&
      (redeliveriesExpected || counts.duplicates === 0) &&
      saga.ok,
    orders: n,
    events: counts.events,
    deliveriesExpected: counts.expected,
    deliveriesMade: counts.delivered,
    duplicates: counts.duplicates,
    deadLettered,
    seconds: Math.round(seconds * 10) / 10,
    ordersPerSecond: Math.round((n / seconds) * 10) / 10,
    pending: pending.slice(0, 20),
    consumers,
    saga,
    faults,
  }
}

async function publishAll(
  run: Running,
  events: readonly EventEnvelope[],
  what: string,
): Promise<void> {
  for (let i = 0; i < events.length; i += 100) {
    const chunk = events.slice(i, i + 100)
    for (const event of chunk) run.tracker.published(event)
    await run.publisher.publishAll(chunk)
    progress(`published ${Math.min(i + 100, events.length)}/${events.length} ${what}`)
  }
}

/**
 * Waits until every known event reached every consumer it should and the saga's checks
 * hold (the events the services decide are known only once they are delivered), or the
 * deadline.
 */
async function settle(
  run: Running,
  deadline: number,
  outcome: () => Promise<SagaOutcome>,
): Promise<void> {
  let lastReport = 0
  while (Date.now() < deadline) {
    if (run.tracker.pending().length === 0 && (await outcome()).ok) {
      // Events still on their way to the bus (in the outbox) show up in a moment: look again.
      await new Promise((resolve) => setTimeout(resolve, 1500))
      if (run.tracker.pending().length === 0 && (await outcome()).ok) return
    }
    if (Date.now() - lastReport > 2000) {
      const { expected, delivered } = run.tracker.counts()
      const saga = await outcome()
      progress(
        `deliveries ${delivered}/${expected}, orders settled ${saga.confirmed + saga.cancelled}/${saga.orders}…`,
      )
      lastReport = Date.now()
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

function statuses(run: Running): Promise<ConsumerStatus[]> {
  return consumerStatuses(run.reader, run.resources).catch((error: unknown) => {
    throw describeAwsError(error, run.reader.target)
  })
}

function describeSummary(s: OnceSummary): string {
  const lines = [
    `${s.orders} orders (${s.events} events) in ${s.seconds}s: ${s.ordersPerSecond} orders/s`,
    `deliveries ${s.deliveriesMade}/${s.deliveriesExpected}, duplicates ${s.duplicates}, dead-lettered ${s.deadLettered}`,
    '',
    statusTable(s.consumers),
    '',
  ]
  const { saga } = s
  lines.push(
    `saga: ${saga.confirmed} confirmed, ${saga.cancelled} cancelled of ${saga.orders}; ` +
      Object.entries(saga.branches)
        .map(([branch, b]) => `${branch} ${b.asExpected}/${b.orders}`)
        .join(', ') +
      `; duplicates ${saga.duplicates}`,
  )
  lines.push(
    `stock: ${saga.stock.map((x) => `${x.sku} ${x.available} (expected ${x.expected})`).join(', ')}`,
    '',
  )
  const injected = describeInjected(s.faults)
  if (injected) lines.push(injected, '')
  for (const p of s.pending)
    lines.push(`not delivered: ${p.eventType} ${p.eventId} to ${p.missing.join(', ')}`)
  for (const problem of saga.problems) lines.push(`saga: ${problem}`)
  lines.push(
    s.ok
      ? 'OK: every event reached every consumer it should; every order settled as its branch says, every cancellation compensated.'
      : 'FAILED: see above.',
  )
  return lines.join('\n')
}

/** `faults injected over 5120 requests: throttle 210, 5xx 98, lost replies 51, delayed 0`. */
function describeInjected(report: FaultReport): string | undefined {
  const totals = new Map<string, number>()
  let requests = 0
  for (const counts of Object.values(report)) {
    requests += counts.requests
    for (const [name, n] of Object.entries(counts.errors))
      totals.set(name, (totals.get(name) ?? 0) + n)
    totals.set('lost replies', (totals.get('lost replies') ?? 0) + counts.lostReplies)
    totals.set('delayed', (totals.get('delayed') ?? 0) + counts.delayed)
  }
  if (requests === 0) return undefined
  return `faults injected over ${requests} requests: ${[...totals].map(([name, n]) => `${name} ${n}`).join(', ')}`
}

async function liveMode(
  options: DevOptions,
  logPath: string,
  run: Running,
  stop: () => Promise<void>,
): Promise<void> {
  const startedAt = Date.now()
  let ordersPublished = 0
  let eventsPublished = 0
  const timers = new Set<NodeJS.Timeout>()
  const publish = (event: EventEnvelope) => {
    run.tracker.published(event)
    eventsPublished++
    run.publisher
      .publish(event)
      .catch((error: unknown) => progress(`publish failed: ${(error as Error).message}`))
  }
  const feeder =
    options.rate > 0
      ? setInterval(() => {
          const { placed, cancelled } = demoOrder(options.mix)
          ordersPublished++
          publish(placed)
          if (cancelled) {
            const timer = setTimeout(() => {
              timers.delete(timer)
              publish(cancelled)
            }, 3000)
            timers.add(timer)
          }
        }, 1000 / options.rate)
      : undefined
  const tty = process.stdout.isTTY && !options.json
  // A terminal shows the hints in the live view; a log gets them once.
  if (!tty && !options.json) {
    const hints = secondTerminalHints({
      endpoint: run.pipeline.aws.endpoint,
      topicArn: run.resources.eventTopicArn,
      region: run.pipeline.aws.region,
    })
    progress(
      [
        `Console: ${consoleUrlOf(run.pipeline.aws.endpoint)}`,
        'In another terminal, at the repository root:',
        ...hints.map((h) => `  ${h}`),
      ].join('\n'),
    )
  }
  let drawing = false
  let lastLine = 0
  const draw = async () => {
    if (drawing) return
    drawing = true
    try {
      const { expected, delivered } = run.tracker.counts()
      const state: LiveViewState = {
        endpoint: run.pipeline.aws.endpoint,
        topicArn: run.resources.eventTopicArn,
        region: run.pipeline.aws.region,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        ratePerSecond: options.rate,
        ordersPublished,
        eventsPublished,
        delivered,
        expected,
        logPath,
        consumers: await statuses(run),
      }
      if (options.json) console.log(JSON.stringify(state))
      else if (tty) process.stdout.write(`\x1b[2J\x1b[H${liveView(state)}\n`)
      else if (Date.now() - lastLine >= 5000) {
        console.log(liveLine(state))
        lastLine = Date.now()
      }
    } catch (error) {
      progress(`status failed: ${(error as Error).message}`)
    } finally {
      drawing = false
    }
  }
  const view = setInterval(draw, options.json ? 5000 : 1000)
  await draw()
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      resolve()
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
  progress('\nstopping…')
  if (feeder) clearInterval(feeder)
  clearInterval(view)
  for (const timer of timers) clearTimeout(timer)
  await stop()
}

export function registerDevCommand(program: Command): void {
  const command = program
    .command('dev')
    .description(
      'what `npm start` runs: the whole pipeline on the embedded AWS (from lib/app.ts), fed with demo orders, with a live status view',
    )
    .addOption(
      new Option('-t, --target <target>', 'where to run (dev runs embedded only)')
        .choices(targetNames)
        .default('embedded'),
    )
  withEmbeddedAwsOptions(command)
    .option('-r, --rate <orders/s>', 'demo orders published per second (0: none)', Number, 1)
    .option(
      '--mix <shares>',
      `the demo orders' unhappy branches: declined (the customer whose card is declined), out-of-stock (more of the scarce SKU than there is), cancel (by the customer); the rest are confirmed`,
      parseMix,
      defaultMix,
    )
    .option(
      '--stock <units>',
      'units of each demo SKU to put in stock when it has none (0: none; orders are then rejected)',
      Number,
      1_000_000,
    )
    .option(
      '--once <n>',
      'publish n orders, wait until they settle, print a summary and exit (0 only if every event reached every consumer it should)',
      Number,
    )
    .option(
      '--timeout <seconds>',
      'with --once, how long to wait for the orders to settle',
      Number,
      300,
    )
    .option('--logs <file|->', 'where the functions log (- for stderr)')
    .option('--json', 'print JSON (the --once summary, or a status line every 5 seconds)')
    .option(
      '--no-tracing',
      'record no OpenTelemetry spans (by default every publish and function is traced into an in-process store: `pipeline trace` and the console show them)',
    )
    .action(async (options: DevOptions) => {
      process.exitCode = await runDev(options)
    })
}
