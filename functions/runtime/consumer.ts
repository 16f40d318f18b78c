import { randomUUID } from 'node:crypto'
import { Logger } from '@aws-lambda-powertools/logger'
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { SQSClient } from '@aws-sdk/client-sqs'
import middy, { type MiddyfiedHandler } from '@middy/core'
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { CONSUMER_ENVIRONMENT } from '../../contracts/environment.ts'
import { METRIC_DIMENSIONS, METRICS_NAMESPACE } from '../../contracts/runtime-metrics.ts'
import type { EventDefinition, EventOf } from '../catalogue/define-event.ts'
import type { EventEnvelope } from '../catalogue/envelope.ts'
import { startTracing } from '../tracing/index.ts'
import type { ConsumerRuntime, EventHandler } from './consumer-runtime.ts'
import { ConsumerConfigError } from './errors.ts'
import { IdempotencyStore } from './idempotency-store.ts'
import { processBatch } from './process-batch.ts'
import { type ConsumerClients, processDynamoDb, processSqs } from './process-clients.ts'
import { type RuntimeSettings, resolveConfig, settingNames } from './resolve-config.ts'

/** The event a handler receives: the union of its definitions' envelopes. */
export type ConsumedEvent<TEvents extends Readonly<Record<string, EventDefinition>>> = {
  [K in keyof TEvents]: EventOf<TEvents[K]>
}[keyof TEvents]

export interface ConsumerOptions<TEvents extends Readonly<Record<string, EventDefinition>>>
  extends RuntimeSettings {
  /**
   * The consumer's name: the prefix of its idempotency keys (`<name>#<eventId>`), a metric
   * dimension. Must match CONSUMER_NAME when the environment sets it. @default env CONSUMER_NAME
   */
  readonly name?: string
  /** The events it handles, keyed by event type: `{ 'order.placed': OrderPlacedV1 }`. */
  readonly events: TEvents
  /** Handles one valid, not yet processed event. Throw `PermanentError` or `TransientError` to choose how it is retried. */
  readonly handle: EventHandler<ConsumedEvent<TEvents>>
  /** @default - one SQS and one DynamoDB client per process (processSqs, processDynamoDb) */
  readonly clients?: Partial<ConsumerClients>
  /** @default - a Powertools Logger for the POWERTOOLS_SERVICE_NAME service */
  readonly logger?: Logger
  /** @default - Powertools Metrics in POWERTOOLS_METRICS_NAMESPACE, dimension `consumer` */
  readonly metrics?: Metrics
  /** The clock, epoch ms; for tests. @default Date.now */
  readonly now?: () => number
  /** Jitter source in [0, 1); for tests. @default Math.random */
  readonly random?: () => number
  /** Where settings not given as options are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv
}

const optionNames = new Set<string>([
  'name',
  'events',
  'handle',
  'clients',
  'logger',
  'metrics',
  'now',
  'random',
  'env',
  ...settingNames,
])

/**
 * A Lambda handler for an SQS event source: each record parsed and validated on its own,
 * processed at most once per event (fenced idempotency on DynamoDB), failures dead-lettered
 * with metadata or retried with backoff, a partial batch response. A middy handler: add
 * middlewares with `.use()`.
 *
 * ```ts
 * export const handler = consumer({
 *   name: 'inventory',
 *   events: { 'order.placed': OrderPlacedV1, 'order.cancelled': OrderCancelledV1 },
 *   async handle(event, { logger }) {
 *     if (event.eventType === 'order.placed') await reserve(event.payload.items)
 *   },
 * })
 * ```
 */
export function consumer<const TEvents extends Readonly<Record<string, EventDefinition>>>(
  options: ConsumerOptions<TEvents>,
): MiddyfiedHandler<SQSEvent, SQSBatchResponse, Error, Context> {
  const problems = [
    ...Object.keys(options)
      .filter((key) => !optionNames.has(key))
      .map((key) => `unknown option '${key}' (known: ${[...optionNames].join(', ')})`),
    ...Object.entries(options.events ?? {})
      .filter(([type, definition]) => definition?.type !== type)
      .map(([type, definition]) => `events['${type}'] is the definition of '${definition?.type}'`),
    ...(Object.keys(options.events ?? {}).length === 0
      ? ['events must name at least one event']
      : []),
    ...(typeof options.handle === 'function' ? [] : ['handle must be a function']),
  ]
  const env = options.env ?? process.env
  const name = options.name ?? env[CONSUMER_ENVIRONMENT.consumerName] ?? ''
  if (name === '') problems.push('name is required (option name or env CONSUMER_NAME)')
  if (problems.length > 0) throw new ConsumerConfigError(name, problems)
  const serviceName = env[CONSUMER_ENVIRONMENT.serviceName] ?? name
  // Loading the tracing SDK (when tracing is on) starts at init; the first invocation waits
  // for it before any client is made, so that the process's DynamoDB client is traced too.
  const tracing = startTracing(env, serviceName)
  // A failure to load it fails each invocation, which awaits it, with its reason.
  tracing.catch(() => {})
  const logger = options.logger ?? new Logger({ serviceName })
  const metrics =
    options.metrics ??
    new Metrics({
      namespace: env[CONSUMER_ENVIRONMENT.metricsNamespace] ?? METRICS_NAMESPACE,
      serviceName,
      defaultDimensions: { [METRIC_DIMENSIONS.consumer]: name },
    })
  let runtime: ConsumerRuntime | undefined
  // Settings come from the environment, read on the first invocation, once.
  const runtimeFor = (): ConsumerRuntime => {
    if (runtime) return runtime
    const config = resolveConfig(name, pickSettings(options), env)
    const { sqs, dynamodb } = clientsOf(options.clients)
    const now = options.now ?? Date.now
    runtime = {
      config,
      definitions: new Map(Object.entries(options.events)),
      handle: options.handle as EventHandler<EventEnvelope>,
      store: new IdempotencyStore({
        dynamodb,
        tableName: config.idempotencyTable,
        dedupeWindowSeconds: config.dedupeWindowSeconds,
        now,
        newOwner: randomUUID,
        batchWrites: config.batchIdempotencyWrites,
      }),
      sqs,
      logger,
      metrics,
      now,
      random: options.random ?? Math.random,
    }
    return runtime
  }

  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler(async (event, context) => {
      await tracing
      return processBatch(runtimeFor(), event, context)
    })
}

/** The clients given, the process's own for those not given (SQS made on first need). */
function clientsOf(given: Partial<ConsumerClients> = {}): {
  sqs: () => Promise<SQSClient>
  dynamodb: DynamoDBClient
} {
  const { sqs } = given
  return {
    sqs: sqs ? () => Promise.resolve(sqs) : processSqs,
    dynamodb: given.dynamodb ?? processDynamoDb(),
  }
}

function pickSettings(options: RuntimeSettings): RuntimeSettings {
  const settings: Record<string, unknown> = {}
  for (const name of settingNames) {
    if (options[name] !== undefined) settings[name] = options[name]
  }
  return settings as RuntimeSettings
}
