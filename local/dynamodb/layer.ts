import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { localDefaults } from '../defaults.ts'
import { FaultInjector, type FaultReport } from '../faults/fault-injector.ts'
import type { FaultRule } from '../faults/fault-rules.ts'
import type { RequestHandler } from '../gateway.ts'
import { RequestCounts, serveOverHttp, servePort, type WireService } from '../wire-service.ts'
import type { LayerContext } from './context.ts'
import { closeDynaliteStore, openDynaliteStore } from './dynalite-store.ts'
import { keepItemsInMemory } from './item-map.ts'
import { createDynamoDbService } from './router.ts'
import { StreamLog } from './stream-log.ts'
import { cacheTableReads } from './table-cache.ts'
import { TableSettingsStore } from './table-settings.ts'
import { TransactionTokens } from './transaction-tokens.ts'
import { sweepExpiredItems } from './ttl-sweeper.ts'

export interface DynamoDbLayerOptions {
  /** Folder for the LevelDB store: items, tables, stream records and settings. @default - in memory */
  readonly dataDir?: string
  /** Region in table and stream ARNs and stream records. @default 'us-east-1' (`localDefaults.region`) */
  readonly region?: string
  /**
   * How often the time-to-live sweeper deletes expired items (and drops stream records older
   * than 24 h), in ms; 0 turns it off (call `sweepExpiredItems` yourself). @default 30000
   */
  readonly ttlSweepIntervalMs?: number
  /** Faults to inject into DynamoDB and DynamoDB Streams requests (checked by `parseFaults`). @default - none */
  readonly faults?: readonly FaultRule[]
  /**
   * Keep table descriptions in memory for the item actions' reads (`table-cache.ts`). Off only
   * to measure what it saves (test/bench/dynamodb.bench.ts). @default true
   */
  readonly cacheTables?: boolean
  /**
   * Keep every item in memory in front of LevelDB for point reads (`item-map.ts`). Off only to
   * measure what it saves (test/bench/dynamodb.bench.ts). @default true
   */
  readonly itemsInMemory?: boolean
}

export interface DynamoDbLayer {
  /**
   * Serves DynamoDB_20120810.* and DynamoDBStreams_20120810.* requests: the layer's one entry
   * (validation, the actions, fault injection), which the HTTP endpoint and the in-process
   * transport both call.
   */
  readonly call: WireService
  /** `call` over HTTP. */
  readonly handler: RequestHandler
  /**
   * A new in-process channel to `call`: transfer the port to another thread and build a
   * transport on it there with `portTransport`.
   */
  connect(): Promise<MessagePort>
  /** Requests served since start, by `DynamoDB.<operation>` and `DynamoDB Streams.<operation>`. */
  requestCounts(): Promise<Record<string, number>>
  /**
   * Runs the time-to-live sweeper now, as if the time were `now`: deletes expired items with
   * their stream REMOVE records. Resolves to how many items it deleted.
   */
  sweepExpiredItems(now?: Date): Promise<number>
  /** Replaces the fault rules of DynamoDB and DynamoDB Streams; `[]` turns injection off. */
  setFaults(rules: readonly FaultRule[]): Promise<void>
  /** What was injected so far, per operation. */
  faultReport(): Promise<FaultReport>
  close(): Promise<void>
}

const defaultTtlSweepIntervalMs = 30_000

/** dynalite's store with what the layer keeps beside it (table settings, stream records), loaded. */
export async function openLayerContext(
  options: Pick<DynamoDbLayerOptions, 'dataDir' | 'region' | 'cacheTables' | 'itemsInMemory'> = {},
): Promise<LayerContext> {
  const region = options.region ?? localDefaults.region
  const store = openDynaliteStore({ dataDir: options.dataDir, region })
  // Stryker disable next-line ConditionalExpression,LogicalOperator,BooleanLiteral,CallExpression: a cache in front of LevelDB, on or off the layer answers the same (it only saves time)
  if (options.cacheTables ?? true) cacheTableReads(store)
  // Stryker disable next-line ConditionalExpression,LogicalOperator,BooleanLiteral: the same, for items
  if (options.itemsInMemory ?? true) await keepItemsInMemory(store)
  const context: LayerContext = {
    store,
    region,
    settings: new TableSettingsStore(store.db),
    streams: new StreamLog(store.db, region),
    tokens: new TransactionTokens(),
  }
  await context.settings.load()
  await context.streams.load()
  return context
}

/**
 * The embedded DynamoDB: dynalite's store, validations and item actions called in process, with
 * transactions, Streams, time to live and ReturnValuesOnConditionCheckFailure added around them.
 */
export async function createDynamoDbLayer(
  options: DynamoDbLayerOptions = {},
): Promise<DynamoDbLayer> {
  const context = await openLayerContext(options)
  const { store } = context

  let sweeping: Promise<number> | undefined
  const sweep = (nowMs: number): Promise<number> => {
    // One sweep at a time; a caller during a sweep waits for it, then runs its own.
    // Stryker disable next-line ArrowFunction: the value is not used, only that the failure is caught
    const previous = (sweeping ?? Promise.resolve(0)).catch(() => 0)
    const run = previous.then(async () => {
      const deleted = await sweepExpiredItems(context, nowMs)
      await store.db.batch(context.streams.trim(nowMs))
      context.tokens.expire(nowMs)
      return deleted
    })
    sweeping = run
    return run
  }
  const interval = options.ttlSweepIntervalMs ?? defaultTtlSweepIntervalMs
  const timer =
    interval > 0
      ? setInterval(() => {
          sweep(Date.now()).catch((error: unknown) =>
            console.error('[embedded DynamoDB] time-to-live sweep failed:', error),
          )
        }, interval).unref()
      : undefined

  const faults = new FaultInjector(options.faults)
  const counts = new RequestCounts()
  const call = createDynamoDbService(context, counts, faults)
  let closed: Promise<void> | undefined
  return {
    call,
    handler: serveOverHttp(call),
    async connect() {
      const { port1, port2 } = new MessageChannel()
      servePort(port1, call)
      return port2
    },
    requestCounts: async () => counts.snapshot(),
    sweepExpiredItems: (now = new Date()) => sweep(now.getTime()),
    setFaults: async (rules) => faults.set(rules),
    faultReport: async () => faults.report(),
    close() {
      closed ??= (async () => {
        clearInterval(timer)
        // Stryker disable next-line ArrowFunction: the value is not used, only that the failure is caught
        await sweeping?.catch(() => 0)
        await closeDynaliteStore(store)
      })()
      return closed
    },
  }
}
