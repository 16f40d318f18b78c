/**
 * The chaos run: the whole pipeline (`pipeline dev` with `--data-dir`) fed with demo orders
 * while the embedded AWS injects transient errors and lost replies, with poison events,
 * duplicate publishes and one kill -9; then a reconciliation of everything that was
 * published against what each consumer processed or dead-lettered, the idempotency
 * records, the queues, the DLQs and the read models. `npm run chaos` runs it at full size,
 * test/e2e/chaos.test.ts at a size that fits `npm test`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PublishCommand } from '@aws-sdk/client-sns'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { consumerStatuses } from '../../cli/consumer-status.ts'
import { type DemoOrder, defaultMix, demoOrder } from '../../cli/demo-orders.ts'
import { demoStockLevels } from '../../cli/demo-stock.ts'
import { type DeadLetter, peekDeadLetters } from '../../cli/dlq-messages.ts'
import { pipelineReader } from '../../cli/readers/index.ts'
import { type SagaOutcome, sagaOutcome, stockLevels } from '../../cli/saga-outcome.ts'
import { resolveTarget } from '../../cli/target.ts'
import { CONSUMERS } from '../../contracts/consumers.ts'
import {
  IDEMPOTENCY_RECORD_ATTRIBUTES,
  IDEMPOTENCY_STATUS,
  IDEMPOTENCY_TABLE_SCHEMA,
} from '../../contracts/idempotency-table.ts'
import type { PipelineResources } from '../../contracts/outputs.ts'
import {
  createEvent,
  createPublisher,
  type EventEnvelope,
  OrderPlacedV1,
} from '../../functions/catalogue/index.ts'
import { EventStore } from '../../functions/event-store/index.ts'
import { inventoryStreamId } from '../../functions/inventory/index.ts'
import { orderStreamId } from '../../functions/orders/index.ts'
import { paymentStreamId } from '../../functions/payments/index.ts'
import { faultsRoute } from '../../local/embedded-aws.ts'
import { type FaultReport, mergeFaultReports } from '../../local/faults/fault-injector.ts'
import { freePort } from '../support/targets.ts'
import { ChaosPipeline } from './chaos-pipeline.ts'
import { faultFreeTarget } from './fault-free-target.ts'

export interface ChaosOptions {
  readonly orders: number
  /** Share of AWS requests answered with a transient error (throttling, 5xx, throughput, conflict). @default 0.1 */
  readonly transientRate?: number
  /** Share of AWS requests whose reply is lost after they took effect. @default 0.02 */
  readonly lostReplyRate?: number
  /** Poison events (an order.placed whose payload breaks its schema) per order. @default 0.01 */
  readonly poisonRate?: number
  /** Share of events published twice. @default 0.05 */
  readonly duplicateRate?: number
  /**
   * When the kill -9 comes: `mid-run` while orders are in flight (what was in flight waits
   * out its visibility timeout, 180 s, as on Lambda), or `between-phases`, once the orders
   * settled and before the cancellations. @default 'mid-run'
   */
  readonly kill?: 'mid-run' | 'between-phases'
  /**
   * Which operations lose replies: `all`, or `writes`: DynamoDB's writes, SNS publishes and
   * SQS sends, which their caller's retry settles at once (a lost receive or delete waits out
   * the visibility timeout). @default 'all'
   */
  readonly lostReplies?: 'all' | 'writes'
  /** How long the orders may take to settle, in seconds. @default 900 */
  readonly timeoutSeconds?: number
  readonly progress?: (line: string) => void
}

/** One consumer's books: what it should have seen, and where each event ended. */
export interface ConsumerBooks {
  readonly consumer: string
  /** Events its subscription selects, of those published and decided. */
  readonly expected: number
  /** Completed idempotency records of those events. */
  readonly processed: number
  /** Of those events, on its DLQ (not processed). */
  readonly deadLettered: number
  /** Neither processed nor dead-lettered. */
  readonly missing: readonly string[]
  /** Both processed and dead-lettered. */
  readonly both: readonly string[]
  /** Completed records of events nobody published. */
  readonly unknown: readonly string[]
  /** Records of expected events left in progress or released. */
  readonly unfinished: number
  /** DLQ messages, copies included, and those lacking failure metadata. */
  readonly dlqMessages: number
  readonly dlqWithoutMetadata: number
  readonly deliveryDlqMessages: number
  readonly visible: number
  readonly inFlight: number
}

export interface ChaosSummary {
  readonly ok: boolean
  readonly seconds: number
  readonly faults: string
  readonly kill: string
  readonly published: {
    readonly orders: number
    readonly cancellations: number
    readonly poison: number
    /** Unique events the publisher had accepted. */
    readonly events: number
    readonly duplicatesSent: number
    /** Publish calls that failed and were tried again (faults, the kill). */
    readonly retried: number
  }
  /** Events the services decided (the outbox's input), from the event store. */
  readonly decided: number
  readonly consumers: readonly ConsumerBooks[]
  /** Poison events dead-lettered by every consumer that takes them, with metadata. */
  readonly poisonDeadLettered: number
  readonly readModel: { readonly rows: number; readonly expected: number }
  readonly saga: SagaOutcome
  /** What the embedded AWS injected, summed over the pipeline's lives (up to the last report before the kill). */
  readonly injected: FaultReport
  readonly problems: readonly string[]
}

/** The spec for `--faults` that gives `transient` errors and `lost` lost replies on every request. */
export function chaosFaultSpec(
  transient: number,
  lost: number,
  lostReplies: 'all' | 'writes',
): string {
  const pct = (share: number) => `${Math.round(share * 10000) / 100}%`
  const dynamodb = `throttle=${pct(transient * 0.4)},5xx=${pct(transient * 0.2)},throughput=${pct(transient * 0.2)},conflict=${pct(transient * 0.2)}`
  const other = `throttle=${pct(transient / 2)},5xx=${pct(transient / 2)}`
  const lostAll = lostReplies === 'all' ? `,lost=${pct(lost)}` : ''
  const rules = [
    `dynamodb:${dynamodb}${lostAll}`,
    `streams:${other}${lostAll}`,
    `sqs:${other}${lostAll}`,
    `sns:${other}${lostAll}`,
  ]
  if (lostReplies === 'writes') {
    const writes = {
      dynamodb: ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'],
      sns: ['Publish', 'PublishBatch'],
      sqs: ['SendMessage', 'SendMessageBatch'],
    }
    for (const [service, operations] of Object.entries(writes)) {
      for (const operation of operations) {
        const errors =
          service !== 'dynamodb'
            ? other
            : operation === 'BatchWriteItem'
              ? `throttle=${pct(transient * 0.5)},5xx=${pct(transient * 0.25)},throughput=${pct(transient * 0.25)}`
              : dynamodb
        rules.push(`${service}.${operation}:${errors},lost=${pct(lost)}`)
      }
    }
  }
  return rules.join('; ')
}

const consumersOf = (eventType: string): string[] =>
  Object.values(CONSUMERS)
    .filter((c) => eventType in c.events)
    .map((c) => c.name)

export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const progress = options.progress ?? (() => {})
  const started = performance.now()
  const deadline = Date.now() + (options.timeoutSeconds ?? 900) * 1000
  const kill = options.kill ?? 'mid-run'
  const faults = chaosFaultSpec(
    options.transientRate ?? 0.1,
    options.lostReplyRate ?? 0.02,
    options.lostReplies ?? 'all',
  )
  const dir = mkdtempSync(join(tmpdir(), 'chaos-'))
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const pipeline = new ChaosPipeline({
    port,
    dataDir: join(dir, 'aws'),
    faults,
    logPath: join(dir, 'functions.log'),
  })
  // The publisher is a producer like any other: its publishes meet the faults, and outlast them.
  const producer = resolveTarget({ target: 'embedded', endpoint, maxAttempts: 10 })
  // The reconciliation observes the pipeline and must not be perturbed by the faults it
  // measures: a lost reply to one of its DLQ receives hid up to ten dead-lettered messages
  // for the peek's 30 s hold, and it reported those events as neither processed nor
  // dead-lettered (13 events and 12 poison events in a full run). Its requests are exempt.
  const observer = faultFreeTarget(endpoint)
  const injected = new FaultTally(endpoint)
  try {
    progress(`starting pipeline dev on ${endpoint} with --data-dir ${join(dir, 'aws')}`)
    progress(`faults: ${faults}`)
    await pipeline.start()
    injected.watch()
    const reader = pipelineReader(observer)
    const resources = await retried(() => reader.resources(), deadline)
    const { documents } = observer.clients
    const { sns } = producer.clients
    const tables = {
      orders: resources.ordersTableName,
      inventory: resources.inventoryTableName,
      payments: resources.paymentsTableName,
      events: resources.eventsTableName,
    }
    const stockBefore = await stockLevels(
      documents,
      tables.inventory,
      Object.keys(demoStockLevels(0)),
    )

    const orders = chaosOrders(options.orders)
    const poison = Array.from(
      { length: Math.max(1, Math.round(options.orders * (options.poisonRate ?? 0.01))) },
      poisonEvent,
    )
    const sagaOrders = orders.map((o) => ({
      orderId: o.orderId,
      branch: o.branch,
      items: o.placed.payload.items,
    }))
    const publisher = createPublisher({ topicArn: resources.eventTopicArn, sns })
    const counts = { retried: 0, duplicatesSent: 0 }
    const duplicateRate = options.duplicateRate ?? 0.05
    const publish = async (events: readonly EventEnvelope[], onHalf?: () => Promise<void>) => {
      // Each event once, a share of them again a little later, poison sprinkled in.
      const again = events.filter(() => Math.random() < duplicateRate)
      // A small run still sends one twice.
      if (again.length === 0 && duplicateRate > 0 && events.length > 0) {
        again.push(events[Math.floor(Math.random() * events.length)]!)
      }
      counts.duplicatesSent += again.length
      const sequence = [...events]
      for (const event of again) {
        const at = Math.min(
          sequence.length,
          sequence.indexOf(event) + 1 + Math.floor(Math.random() * 50),
        )
        sequence.splice(at, 0, event)
      }
      for (let i = 0; i < sequence.length; i += 10) {
        if (onHalf && i >= sequence.length / 2 && i - 10 < sequence.length / 2) await onHalf()
        await Promise.all(
          sequence.slice(i, i + 10).map((event) =>
            retried(
              () => publisher.publish(event),
              deadline,
              () => counts.retried++,
            ),
          ),
        )
        if ((i / 10) % 20 === 0)
          progress(`published ${Math.min(i + 10, sequence.length)}/${sequence.length}`)
      }
    }
    const publishPoison = (event: PoisonEvent) =>
      retried(
        () =>
          sns.send(
            new PublishCommand({
              TopicArn: resources.eventTopicArn,
              Message: JSON.stringify(event),
              MessageAttributes: {
                eventType: { DataType: 'String', StringValue: event.eventType },
                version: { DataType: 'String', StringValue: String(event.version) },
              },
            }),
          ),
        deadline,
        () => counts.retried++,
      )

    const restart = async (why: string) => {
      injected.endLife()
      progress(`kill -9 of pipeline dev (${why})`)
      await pipeline.kill()
      progress('starting it again on the same --data-dir')
      await pipeline.start()
      injected.watch()
    }
    let killedAt = ''
    const placed = orders.map((o) => o.placed)
    await publish(placed, async () => {
      for (const event of poison) await publishPoison(event)
      if (kill === 'mid-run') {
        killedAt = `mid-run, after ${Math.round(placed.length / 2)} of ${placed.length} orders were published`
        await restart(killedAt)
      }
    })
    // Before the cancellations, every order settles as if it were not cancelled, and the
    // queues drain (a retried delivery may still be on its way after the rows are right).
    await settle(
      async () => {
        const saga = await sagaOutcome(
          documents,
          tables,
          sagaOrders.map((o) => ({ ...o, branch: o.branch === 'cancel' ? 'confirmed' : o.branch })),
          stockBefore,
          false,
        )
        const queues = await consumerStatuses(reader, resources)
        return { ok: saga.ok && queues.every((q) => q.visible + q.inFlight === 0), saga }
      },
      deadline,
      progress,
    )
    if (kill === 'between-phases') {
      killedAt = 'between phases, after every order settled and before the cancellations'
      await restart(killedAt)
    }
    const cancellations = orders.flatMap((o: DemoOrder) => (o.cancelled ? [o.cancelled] : []))
    await publish(cancellations)

    const published = [...placed, ...cancellations]
    const quiet = async () => {
      const saga = await sagaOutcome(documents, tables, sagaOrders, stockBefore, false)
      const books = await account(observer, resources, published, poison, orders)
      return { ok: saga.ok && books.consumers.every(settled), saga }
    }
    await settle(quiet, deadline, progress)
    // Once more after a pause: nothing may move once it looked settled.
    await new Promise((resolve) => setTimeout(resolve, 2000))
    const books = await account(observer, resources, published, poison, orders)
    const saga = await sagaOutcome(documents, tables, sagaOrders, stockBefore)
    const rows = await scanAll(documents, tables.orders)
    const readModel = {
      rows: rows.filter((r) => orders.some((o) => o.orderId === r.orderId)).length,
      expected: orders.length,
    }
    const poisonDeadLettered = poison.filter((p) =>
      books.consumers.every(
        (c) => !consumersOf(p.eventType).includes(c.consumer) || c.poison.has(p.eventId),
      ),
    ).length

    const problems: string[] = []
    for (const c of books.consumers) {
      if (c.missing.length > 0)
        problems.push(
          `${c.consumer}: ${c.missing.length} events neither processed nor dead-lettered (${c.missing.slice(0, 3).join(', ')}…)`,
        )
      if (c.both.length > 0)
        problems.push(`${c.consumer}: ${c.both.length} events both processed and dead-lettered`)
      if (c.unknown.length > 0)
        problems.push(`${c.consumer}: ${c.unknown.length} processed events nobody published`)
      if (c.dlqWithoutMetadata > 0)
        problems.push(
          `${c.consumer}: ${c.dlqWithoutMetadata} DLQ messages without failure metadata`,
        )
      if (c.deliveryDlqMessages > 0)
        problems.push(`${c.consumer}: ${c.deliveryDlqMessages} messages SNS could not deliver`)
      if (c.visible + c.inFlight > 0)
        problems.push(
          `${c.consumer}: ${c.visible} visible and ${c.inFlight} in-flight messages left on its queue`,
        )
    }
    if (poisonDeadLettered !== poison.length)
      problems.push(
        `${poison.length - poisonDeadLettered} of ${poison.length} poison events not dead-lettered by every consumer that takes them`,
      )
    if (readModel.rows !== readModel.expected)
      problems.push(`the orders read model holds ${readModel.rows} of ${readModel.expected} orders`)
    problems.push(...saga.problems.map((p) => `saga: ${p}`))
    if (saga.duplicates > 0)
      problems.push(`saga: ${saga.duplicates} events recorded or decided twice`)
    return {
      ok: problems.length === 0,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      faults,
      kill: killedAt,
      published: {
        orders: orders.length,
        cancellations: cancellations.length,
        poison: poison.length,
        events: published.length + poison.length,
        duplicatesSent: counts.duplicatesSent,
        retried: counts.retried,
      },
      decided: books.decided,
      consumers: books.consumers.map(({ poison: _poison, ...c }) => c),
      poisonDeadLettered,
      readModel,
      saga,
      injected: await injected.total(),
      problems,
    }
  } finally {
    injected.stop()
    producer.clients.destroy()
    observer.clients.destroy()
    await pipeline.stop()
    if (process.env.CHAOS_KEEP !== '1') rmSync(dir, { recursive: true, force: true })
    else progress(`kept ${dir} (CHAOS_KEEP=1)`)
  }
}

/**
 * The run's demo orders in the demo mix, the first ones one of each branch (declined, out of
 * stock, cancelled, confirmed), so that a small run takes every path of the saga too.
 */
function chaosOrders(count: number): DemoOrder[] {
  const m = defaultMix
  const branchPoints = [
    m.declined / 2,
    m.declined + m.outOfStock / 2,
    m.declined + m.outOfStock + m.cancel / 2,
    0.999,
  ]
  return Array.from({ length: count }, (_, i) => {
    const point = branchPoints[i]
    return point === undefined ? demoOrder(m) : demoOrder(m, () => point)
  })
}

const settled = (c: ConsumerBooks) =>
  c.missing.length === 0 && c.visible === 0 && c.inFlight === 0 && c.unfinished === 0

/** Polls `check` until it holds (twice, a few seconds apart), or the deadline. */
async function settle(
  check: () => Promise<{ ok: boolean; saga: SagaOutcome }>,
  deadline: number,
  progress: (line: string) => void,
): Promise<void> {
  let last = 0
  while (Date.now() < deadline) {
    const outcome = await check().catch(() => undefined)
    if (outcome?.ok) {
      // Events on their way (in the outbox, on the bus) show up in a moment: look again.
      await new Promise((resolve) => setTimeout(resolve, 2000))
      if ((await check().catch(() => undefined))?.ok) return
    }
    if (Date.now() - last > 10_000) {
      const saga = outcome?.saga
      progress(
        saga ? `orders settled ${saga.confirmed + saga.cancelled}/${saga.orders}…` : 'settling…',
      )
      last = Date.now()
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}

/** Tries `work` until it succeeds or the deadline passes (then its last error is thrown). */
async function retried<T>(
  work: () => Promise<T>,
  deadline: number,
  onRetry?: () => void,
): Promise<T> {
  for (;;) {
    try {
      return await work()
    } catch (error) {
      if (Date.now() > deadline) throw error
      onRetry?.()
      await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 250))
    }
  }
}

interface PoisonEvent {
  readonly eventId: string
  readonly eventType: string
  readonly version: number
}

/** An order.placed envelope whose payload breaks the schema: what a buggy producer sends. */
function poisonEvent(): PoisonEvent {
  const event = createEvent(
    OrderPlacedV1,
    {
      orderId: 'order-poison',
      customerId: 'customer-1',
      items: [{ sku: 'SKU-MUG', quantity: 1, unitPrice: 8.5 }],
      total: 8.5,
    },
    { source: 'chaos' },
  )
  return {
    ...event,
    payload: { orderId: `poison-${event.eventId.slice(0, 8)}`, items: 'none' },
  } as PoisonEvent
}

async function scanAll(
  documents: ReturnType<typeof resolveTarget>['clients']['documents'],
  table: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = []
  let start: Record<string, unknown> | undefined
  do {
    const page = await documents.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey: start }),
    )
    items.push(...(page.Items ?? []))
    start = page.LastEvaluatedKey
  } while (start)
  return items
}

/** Each consumer's books, from the idempotency table, its queues and DLQs, and the event store. */
async function account(
  target: ReturnType<typeof resolveTarget>,
  resources: PipelineResources,
  published: readonly EventEnvelope[],
  poison: readonly PoisonEvent[],
  orders: readonly DemoOrder[],
): Promise<{ decided: number; consumers: (ConsumerBooks & { poison: Set<string> })[] }> {
  const { documents, sqs } = target.clients
  const store = new EventStore({ client: documents, eventsTable: resources.eventsTableName })
  const decided: { eventId: string; eventType: string }[] = []
  const streams = orders.flatMap((o) => [
    orderStreamId(o.orderId),
    inventoryStreamId(o.orderId),
    paymentStreamId(o.orderId),
  ])
  for (let i = 0; i < streams.length; i += 16) {
    const read = await Promise.all(streams.slice(i, i + 16).map((id) => store.readStream(id)))
    for (const events of read) {
      for (const { event, origin } of events) {
        if (origin === 'decided')
          decided.push({ eventId: event.eventId, eventType: event.eventType })
      }
    }
  }
  const records = new Map<string, string>()
  for (const item of await scanAll(documents, resources.idempotencyTableName)) {
    records.set(
      String(item[IDEMPOTENCY_TABLE_SCHEMA.partitionKey]),
      String(item[IDEMPOTENCY_RECORD_ATTRIBUTES.status]),
    )
  }
  const statuses = await consumerStatuses(pipelineReader(target), resources)
  const events = [...published, ...poison, ...decided]
  const consumers = await Promise.all(
    resources.consumers.map(async (consumer) => {
      const dlq: DeadLetter[] = await peekDeadLetters(
        sqs,
        consumer.deadLetterQueueUrl,
        'dlq',
        100_000,
      )
      const delivery = await peekDeadLetters(
        sqs,
        consumer.deliveryDeadLetterQueueUrl,
        'delivery',
        100_000,
      )
      const dead = new Set(dlq.flatMap((d) => (d.eventId ? [d.eventId] : [])))
      const expected = new Set(
        events
          .filter((e) => consumersOf(e.eventType).includes(consumer.name))
          .map((e) => e.eventId),
      )
      const prefix = `${consumer.name}#`
      const completed = new Set<string>()
      let unfinished = 0
      for (const [key, status] of records) {
        if (!key.startsWith(prefix)) continue
        const eventId = key.slice(prefix.length)
        if (status === IDEMPOTENCY_STATUS.completed) completed.add(eventId)
        else if (expected.has(eventId) && !dead.has(eventId)) unfinished++
      }
      const status = statuses.find((s) => s.consumer === consumer.name)
      const ids = [...expected]
      return {
        consumer: consumer.name,
        expected: expected.size,
        processed: ids.filter((id) => completed.has(id)).length,
        deadLettered: ids.filter((id) => dead.has(id) && !completed.has(id)).length,
        missing: ids.filter((id) => !completed.has(id) && !dead.has(id)),
        both: ids.filter((id) => completed.has(id) && dead.has(id)),
        unknown: [...completed].filter((id) => !expected.has(id)),
        unfinished,
        dlqMessages: dlq.length,
        dlqWithoutMetadata: dlq.filter(
          (d) =>
            !d.failure?.errorName ||
            d.failure.attempts === undefined ||
            !d.failure.firstFailureAt ||
            !d.failure.lastFailureAt,
        ).length,
        deliveryDlqMessages: delivery.length,
        visible: status?.visible ?? 0,
        inFlight: status?.inFlight ?? 0,
        poison: new Set(poison.filter((p) => dead.has(p.eventId)).map((p) => p.eventId)),
      }
    }),
  )
  return { decided: decided.length, consumers }
}

/**
 * What the pipeline's embedded AWS injected, read from its endpoint every few seconds: a
 * kill -9 loses the counts since the last read, so the sum over its lives is a floor.
 */
class FaultTally {
  readonly #endpoint: string
  #lives: FaultReport[] = []
  #current: FaultReport = {}
  #timer: NodeJS.Timeout | undefined

  constructor(endpoint: string) {
    this.#endpoint = endpoint
  }

  watch(): void {
    this.#current = {}
    this.#timer = setInterval(() => void this.#read(), 3000)
  }

  endLife(): void {
    this.stop()
    this.#lives.push(this.#current)
    this.#current = {}
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  async total(): Promise<FaultReport> {
    await this.#read()
    return [...this.#lives, this.#current].reduce(mergeFaultReports, {})
  }

  async #read(): Promise<void> {
    try {
      const response = await fetch(`${this.#endpoint}${faultsRoute}`)
      if (response.ok) this.#current = ((await response.json()) as { report: FaultReport }).report
    } catch {
      // Down (the kill): the last read stands.
    }
  }
}

/** The summary: what was published, injected, and the reconciliation per consumer. */
export function describeChaos(s: ChaosSummary): string {
  const totals = { requests: 0, errors: 0, lost: 0 }
  for (const counts of Object.values(s.injected)) {
    totals.requests += counts.requests
    totals.errors += Object.values(counts.errors).reduce((a, b) => a + (b ?? 0), 0)
    totals.lost += counts.lostReplies
  }
  const p = s.published
  const pad = (v: string | number, n: number) => String(v).padStart(n)
  const lines = [
    `chaos: ${p.orders} orders, ${p.cancellations} cancellations, ${p.poison} poison events in ${s.seconds}s`,
    `faults: ${s.faults}`,
    `injected: ${totals.errors} errors and ${totals.lost} lost replies in ${totals.requests} requests (at least; a kill loses the counts since the last read)`,
    `kill -9: ${s.kill}`,
    '',
    'reconciliation',
    `  publisher   ${p.events} events accepted (${p.orders} orders, ${p.cancellations} cancellations, ${p.poison} poison), ${p.duplicatesSent} published twice on purpose, ${p.retried} publish calls retried`,
    `  outbox      ${s.decided} events decided by the services and published from the event store`,
    '',
    `  consumer       expected  processed  dead-lettered  missing  both  unknown  unfinished  DLQ msgs  queue vis/in-flight`,
    ...s.consumers.map(
      (c) =>
        `  ${c.consumer.padEnd(13)}${pad(c.expected, 9)}${pad(c.processed, 11)}${pad(c.deadLettered, 15)}${pad(c.missing.length, 9)}${pad(c.both.length, 6)}${pad(c.unknown.length, 9)}${pad(c.unfinished, 12)}${pad(c.dlqMessages, 10)}${pad(`${c.visible}/${c.inFlight}`, 21)}`,
    ),
    '',
    `  poison      ${s.poisonDeadLettered}/${p.poison} dead-lettered by every consumer that takes order.placed, with their failure metadata`,
    `  read model  ${s.readModel.rows}/${s.readModel.expected} orders; saga: ${s.saga.confirmed} confirmed, ${s.saga.cancelled} cancelled; ` +
      Object.entries(s.saga.branches)
        .map(([branch, b]) => `${branch} ${b.asExpected}/${b.orders}`)
        .join(', ') +
      `; recorded or decided twice: ${s.saga.duplicates}`,
    `  stock       ${s.saga.stock.map((x) => `${x.sku} ${x.available} (expected ${x.expected})`).join(', ')}`,
    '',
    ...s.problems.map((problem) => `problem: ${problem}`),
    s.ok
      ? 'OK: every event processed exactly once or dead-lettered with its metadata, every order settled as its branch says, the counts reconcile, nothing lost.'
      : 'FAILED: see the problems above.',
  ]
  return lines.join('\n')
}
