import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { IN_PROCESS_EXPORTER, TRACING_ENVIRONMENT } from '../../contracts/trace-context.ts'
import { type EmbeddedAws, type EmbeddedAwsOptions, startEmbeddedAws } from '../embedded-aws.ts'
import { formatFaults } from '../faults/parse-faults.ts'
import type { RequestHandler } from '../gateway.ts'
import type { BatchOutcome } from '../lambda/event-sources/batch-outcome.ts'
import { bundleFunction, type FunctionBundleOptions } from '../lambda/function-bundles.ts'
import type { FunctionLog } from '../lambda/function-log.ts'
import { type RunningMappings, startEventSourceMappings } from '../lambda/runner.ts'
import { describePlan, planProvisioning } from '../provisioner/plan.ts'
import { type ProvisionedStack, provision } from '../provisioner/provision.ts'
import { emulatorAccountId } from '../provisioner/template.ts'
import { ConsumerStats } from './consumer-stats.ts'
import {
  pipelineRoutes,
  type SpansDocument,
  type StackDocument,
  type StatusDocument,
  type TemplateDocument,
} from './pipeline-routes.ts'
import { oldestMessageAgeSeconds } from './queue-age.ts'
import { SpanStore } from './span-store.ts'
import { type CreateApp, type SynthesizedStack, synthesizeStack } from './synthesize-stack.ts'
import { type CachedApp, synthesizeCached } from './template-cache.ts'

export interface LocalPipelineOptions {
  /**
   * The CDK app to run, e.g. `createPipelineApp` from lib/app.ts (what `cdk deploy` ships),
   * synthesized at each start; or how to load it, with a cache of its template: then it is
   * loaded and synthesized only when its inputs changed since the template was made.
   */
  readonly createApp: CreateApp | CachedApp
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 4566 (`localDefaults.port`) */
  readonly port?: number
  readonly dataDir?: string
  readonly region?: string
  /** Faults the embedded AWS injects (see `EmbeddedAwsOptions.faults`). @default - none */
  readonly faults?: EmbeddedAwsOptions['faults']
  /** Where the functions' log lines go. @default - dropped */
  readonly functionLog?: FunctionLog
  /** Progress lines for a person: each step, and what is not provisioned or emulated. */
  readonly onProgress?: (line: string) => void
  /** Called with each batch a mapping settles, besides the statistics. */
  readonly onBatch?: (outcome: BatchOutcome) => void
  readonly onMappingError?: (error: unknown) => void
  /**
   * Run the embedded DynamoDB in a worker thread of its own, which the functions and the
   * stream pollers call directly, so that it and SNS/SQS with the event source mappings use
   * two cores. @default true
   */
  readonly dynamoDbThread?: boolean
  /**
   * Functions and pollers reach the embedded AWS over in-process channels, unsigned, instead
   * of loopback HTTP with SigV4 (the same services serve both). @default true
   */
  readonly inProcessTransport?: boolean
  /** Concurrent batches at most per mapping. @default 2 (`localDefaults.maxConcurrencyPerMapping`) */
  readonly maxConcurrencyPerMapping?: number
  /**
   * Trace the functions (OpenTelemetry) into a span store in this process, served at
   * `/_pipeline/spans`: the functions get OTEL_TRACES_EXPORTER=in-process. @default false
   */
  readonly tracing?: boolean
  /**
   * Run each function from a bundle of its entry kept in this folder (`bundleFunction`:
   * rebuilt only when one of its inputs changed) instead of from its TypeScript module graph:
   * an execution environment then starts in a fraction of the time. @default - from source
   */
  readonly functionBundles?: FunctionBundleOptions
  /** More routes on the endpoint (see `EmbeddedAwsOptions.routes`), e.g. the console. @default - none */
  readonly routes?: Readonly<Record<string, RequestHandler>>
}

/** The order pipeline running on the embedded AWS. */
export interface LocalPipeline {
  readonly aws: EmbeddedAws
  readonly stack: ProvisionedStack
  readonly mappings: RunningMappings
  readonly stats: ConsumerStats
  /** The spans of the functions, when `tracing` is on. */
  readonly spans: SpanStore | undefined
  stop(): Promise<void>
}

const projectRoot = fileURLToPath(new URL('../..', import.meta.url))

/** The tracing SDK module the functions load when tracing is on (functions/tracing/start-tracing.ts). */
const tracingSdkEntry = 'functions/tracing/tracer-provider.ts'

/**
 * What `npm start` runs: the embedded AWS, the CDK app synthesized in process and its
 * template provisioned on it, and every event source mapping running its function from
 * source. The endpoint also serves the stack outputs and the consumer statistics at
 * `/_pipeline/stack` and `/_pipeline/status`, for the CLI in another terminal.
 */
export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const progress = options.onProgress ?? (() => {})
  const stats = new ConsumerStats()
  const startedAt = new Date().toISOString()
  let served:
    | {
        stack: StackDocument
        status: () => StatusDocument
        template: TemplateDocument
        spans: (eventId: string) => SpansDocument
      }
    | undefined
  const spans = options.tracing ? new SpanStore() : undefined
  const aws = await startEmbeddedAws({
    port: options.port,
    dataDir: options.dataDir,
    region: options.region,
    faults: options.faults,
    routes: { ...options.routes, ...pipelineRoutes(() => served) },
    dynamoDbThread: options.dynamoDbThread ?? true,
  })
  try {
    progress(`embedded AWS listening on ${aws.endpoint}`)
    if (aws.faults.rules.length > 0) {
      progress(`fault injection on: ${formatFaults(aws.faults.rules)}`)
    }
    const { stackName, template } = await synthesize(options.createApp, progress)
    const plan = planProvisioning(template, {
      stackName,
      region: aws.region,
      accountId: emulatorAccountId,
    })
    for (const line of describePlan(plan)) progress(line)
    progress(
      `provisioning ${plan.order.length - [...plan.notProvisioned.values()].flat().length} resources of ${stackName}…`,
    )
    const stack = await provision(plan, { endpoint: aws.endpoint })
    const loadFrom = options.functionBundles && bundledEntries(options.functionBundles, progress)
    // Bundles hold the OpenTelemetry API only: a traced one loads the SDK from a bundle of
    // its own (from source, the functions find its source themselves).
    const tracingSdk =
      spans && loadFrom && (await loadFrom.load(join(projectRoot, tracingSdkEntry)))
    progress('starting the functions and their event source mappings…')
    const mappings = await startEventSourceMappings({
      loadFrom: loadFrom?.load,
      stack,
      projectRoot,
      prewarm: true,
      dataDir: options.dataDir && join(options.dataDir, 'lambda'),
      dynamoDbEndpoint: aws.dynamoDbEndpoint,
      inProcess: options.inProcessTransport === false ? undefined : aws,
      maxConcurrencyPerMapping: options.maxConcurrencyPerMapping,
      log: options.functionLog,
      extraEnvironment: spans
        ? {
            [TRACING_ENVIRONMENT.exporter]: IN_PROCESS_EXPORTER,
            ...(tracingSdk ? { [TRACING_ENVIRONMENT.sdkModule]: tracingSdk } : {}),
          }
        : undefined,
      onBatch: (outcome) => {
        stats.record(outcome)
        options.onBatch?.(outcome)
      },
      onError: (_mapping, error) => options.onMappingError?.(error),
    })
    loadFrom?.report()
    for (const note of mappings.notes) progress(note)
    const queueNames = stack.resources
      .filter((r) => r.type === 'AWS::SQS::Queue')
      .map((r) => String(r.attributes.QueueName))
    served = {
      stack: { stackName, region: aws.region, outputs: stack.outputs },
      template: templateDocument(template, stack),
      status: () => ({
        startedAt,
        functions: stats.snapshot(),
        oldestMessageAgeSeconds: Object.fromEntries(
          queueNames.map((name) => [name, oldestMessageAgeSeconds(aws.sqsStore, name)]),
        ),
      }),
      spans: (eventId) => ({
        tracing: spans !== undefined,
        spans: spans?.spansOfEvent(eventId) ?? [],
      }),
    }
    let stopped: Promise<void> | undefined
    return {
      aws,
      stack,
      mappings,
      stats,
      spans,
      stop() {
        stopped ??= (async () => {
          served = undefined
          await mappings.stop()
          await aws.stop()
          spans?.close()
        })()
        return stopped
      },
    }
  } catch (error) {
    await aws.stop()
    spans?.close()
    throw error
  }
}

/** Bundles each entry on request, and says afterwards how many were reused. */
function bundledEntries(options: FunctionBundleOptions, progress: (line: string) => void) {
  const started = performance.now()
  let built = 0
  let reused = 0
  return {
    async load(entry: string): Promise<string> {
      const bundle = await bundleFunction(entry, options)
      if (bundle.cached) reused++
      else built++
      return bundle.file
    },
    report() {
      progress(
        `functions run from bundles: ${reused} reused, ${built} built from changed sources (${((performance.now() - started) / 1000).toFixed(1)} s with their environments' start)`,
      )
    },
  }
}

async function synthesize(
  app: CreateApp | CachedApp,
  progress: (line: string) => void,
): Promise<SynthesizedStack> {
  const started = performance.now()
  const took = () => `${((performance.now() - started) / 1000).toFixed(1)} s`
  if (typeof app === 'function') {
    progress('synthesizing the CDK app…')
    return synthesizeStack(app)
  }
  const synthesized = await synthesizeCached(app, () =>
    progress('synthesizing the CDK app (new or changed since its template was cached)…'),
  )
  progress(
    synthesized.cached
      ? `CDK app unchanged since its template was cached: reused (${took()})`
      : `synthesized in ${took()}; template cached`,
  )
  return synthesized
}

/** The synthesized template's resources as the console draws them, with their physical ids. */
function templateDocument(
  template: import('../provisioner/template.ts').CfnTemplate,
  stack: ProvisionedStack,
): TemplateDocument {
  const physicalIds = new Map(stack.resources.map((r) => [r.logicalId, r.physicalId]))
  return {
    resources: Object.fromEntries(
      Object.entries(template.Resources ?? {}).map(([id, resource]) => {
        const r = resource as { Type: string; Properties?: Record<string, unknown> }
        const physicalId = physicalIds.get(id)
        return [
          id,
          { type: r.Type, properties: r.Properties ?? {}, ...(physicalId ? { physicalId } : {}) },
        ]
      }),
    ),
  }
}
