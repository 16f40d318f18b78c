import { join } from 'node:path'
import { SNSClient } from '@aws-sdk/client-sns'
import { SQSClient } from '@aws-sdk/client-sqs'
import type { LocalTransport } from '../../contracts/local-transport.ts'
import { emulatorClientConfig } from '../client-config.ts'
import { localDefaults } from '../defaults.ts'
import type { ProvisionedStack } from '../provisioner/provision.ts'
import type { TransportPorts } from '../wire-service.ts'
import {
  type EventSourceMappingDefinition,
  eventSourceMappingDefinitions,
} from './event-source-mapping-definitions.ts'
import type { BatchListener } from './event-sources/batch-outcome.ts'
import { SqsEventSource } from './event-sources/sqs-event-source.ts'
import { fileCheckpoints, memoryCheckpoints } from './event-sources/stream-checkpoints.ts'
import { StreamEventSource } from './event-sources/stream-event-source.ts'
import { functionDefinitions } from './function-definitions.ts'
import type { FunctionLog } from './function-log.ts'
import { LocalFunction } from './local-function.ts'

/** What the runner needs of an embedded AWS in this process to skip HTTP and signing. */
interface InProcessAws {
  readonly transport: LocalTransport
  connectTransport(): Promise<TransportPorts>
}

export interface RunnerOptions {
  readonly stack: ProvisionedStack
  /** The folder `Metadata.EventPipeline.entry` paths are relative to. */
  readonly projectRoot: string
  /** Concurrent batches of an SQS mapping without `ScalingConfig.MaximumConcurrency`. @default 2 (`localDefaults.sqsConcurrency`) */
  readonly defaultSqsConcurrency?: number
  /**
   * The most concurrent batches (and so execution environments, a worker thread each) any
   * one mapping gets locally; a higher `MaximumConcurrency` is lowered to it and said so.
   * Every environment is one more module graph to load and hold, and on a small machine
   * more costs more than it gives (measured: docs/decisions/0001-local-concurrency-cap-per-mapping.md).
   * Raise it on a machine with more cores.
   * @default 2 (`localDefaults.maxConcurrencyPerMapping`)
   */
  readonly maxConcurrencyPerMapping?: number
  /**
   * Start every execution environment of every function before polling begins (like
   * provisioned concurrency), so the first batches do not wait for cold starts.
   * @default false
   */
  readonly prewarm?: boolean
  /**
   * Where the functions and the stream pollers call DynamoDB and DynamoDB Streams, when not
   * at the stack's endpoint (the embedded AWS's DynamoDB thread). @default - the stack's endpoint
   */
  readonly dynamoDbEndpoint?: string
  /**
   * Folder where the DynamoDB Streams mappings keep their positions (`stream-positions.json`),
   * so that a restart goes on after what was delivered instead of from the starting position.
   * @default - in memory
   */
  readonly dataDir?: string
  /**
   * The embedded AWS's in-process transport: the pollers' clients call it directly and every
   * execution environment gets ports of its own, so no SDK request crosses HTTP or is signed.
   * @default - HTTP to the stack's endpoint (LocalStack, or an embedded AWS in another process)
   */
  readonly inProcess?: InProcessAws
  /** Long-poll wait of the SQS pollers, in seconds. @default 20 (`localDefaults.longPollSeconds`) */
  readonly waitTimeSeconds?: number
  readonly log?: FunctionLog
  /**
   * What the execution environments import instead of each function's entry (a bundle of it,
   * `bundleFunction`), resolved before any environment starts. @default - the entry itself
   */
  readonly loadFrom?: (entry: string) => Promise<string>
  /** Variables every function gets on top of its own. @default - none */
  readonly extraEnvironment?: Readonly<Record<string, string>>
  readonly onBatch?: BatchListener
  readonly onError?: (mapping: EventSourceMappingDefinition, error: unknown) => void
}

export interface RunningMappings {
  readonly functions: ReadonlyMap<string, LocalFunction>
  readonly mappings: readonly EventSourceMappingDefinition[]
  /** What a person should know about how the mappings run locally (limits applied, mappings disabled). */
  readonly notes: readonly string[]
  stop(): Promise<void>
}

/**
 * Runs every enabled event source mapping of a provisioned stack against its function,
 * each function in execution environments of its own.
 */
export async function startEventSourceMappings(options: RunnerOptions): Promise<RunningMappings> {
  const { stack } = options
  const config = emulatorClientConfig(
    stack.endpoint,
    stack.environment.region,
    options.inProcess?.transport,
  )
  const sqs = new SQSClient(config)
  const sns = new SNSClient(config)
  const loadFrom = options.loadFrom
  const definitions = new Map(
    await Promise.all(
      functionDefinitions(stack, options.projectRoot).map(
        async (d) =>
          [
            d.functionName,
            loadFrom && d.entry ? { ...d, entry: await loadFrom(d.entry) } : d,
          ] as const,
      ),
    ),
  )
  const mappings = eventSourceMappingDefinitions(stack)
  const notes: string[] = []
  const cap = options.maxConcurrencyPerMapping ?? localDefaults.maxConcurrencyPerMapping

  const concurrencyOf = (mapping: EventSourceMappingDefinition): number => {
    if (mapping.source === 'dynamodb-stream') return 1
    const wanted =
      mapping.maximumConcurrency ?? options.defaultSqsConcurrency ?? localDefaults.sqsConcurrency
    if (wanted > cap) {
      notes.push(
        `${mapping.functionName}: MaximumConcurrency ${wanted} runs as ${cap} concurrent batches locally`,
      )
    }
    return Math.min(wanted, cap)
  }

  const enabled = mappings.filter((mapping) => {
    if (!mapping.enabled) notes.push(`${mapping.logicalId} is disabled (Enabled: false)`)
    return mapping.enabled
  })
  const environments = new Map<string, number>()
  const concurrency = new Map<EventSourceMappingDefinition, number>()
  for (const mapping of enabled) {
    const n = concurrencyOf(mapping)
    concurrency.set(mapping, n)
    environments.set(mapping.functionName, (environments.get(mapping.functionName) ?? 0) + n)
  }

  const functions = new Map<string, LocalFunction>()
  for (const [name, definition] of definitions) {
    if (!definition.entry) {
      notes.push(
        `${name} (${definition.logicalId}) has no Metadata.EventPipeline.entry, so it cannot run locally`,
      )
    }
    functions.set(
      name,
      new LocalFunction({
        definition,
        endpoint: stack.endpoint,
        region: stack.environment.region,
        dynamoDbEndpoint: options.dynamoDbEndpoint,
        transportPorts: options.inProcess && (() => options.inProcess!.connectTransport()),
        maxEnvironments: Math.max(1, environments.get(name) ?? 1),
        log: options.log,
        extraEnvironment: options.extraEnvironment,
      }),
    )
  }

  const checkpoints = options.dataDir
    ? fileCheckpoints(join(options.dataDir, 'stream-positions.json'))
    : memoryCheckpoints()
  const sources = enabled.map((mapping) => {
    const fn = functions.get(mapping.functionName) as LocalFunction
    const onError = (error: unknown) => options.onError?.(mapping, error)
    if (mapping.source === 'sqs') {
      return new SqsEventSource({
        mapping,
        fn,
        sqs,
        region: stack.environment.region,
        concurrency: concurrency.get(mapping) ?? 1,
        waitTimeSeconds: options.waitTimeSeconds,
        onBatch: options.onBatch,
        onError,
      })
    }
    return new StreamEventSource({
      mapping,
      fn,
      endpoint: stack.endpoint,
      streamsEndpoint: options.dynamoDbEndpoint,
      transport: options.inProcess?.transport,
      region: stack.environment.region,
      destinations: { sqs, sns },
      checkpoints,
      onBatch: options.onBatch,
      onError,
    })
  })
  if (options.prewarm) {
    await Promise.all([...functions.values()].map((fn) => fn.warm()))
  }
  for (const source of sources) source.start()

  let stopped: Promise<void> | undefined
  return {
    functions,
    mappings,
    notes,
    stop() {
      stopped ??= (async () => {
        await Promise.all(sources.map((source) => source.stop()))
        await Promise.all([...functions.values()].map((fn) => fn.stop()))
        sqs.destroy()
        sns.destroy()
      })()
      return stopped
    },
  }
}
