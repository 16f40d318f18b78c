import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { MessageChannel } from 'node:worker_threads'
import type { LocalTransport } from '../contracts/local-transport.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { localDefaults, loopback } from './defaults.ts'
import { createDynamoDbLayer, type DynamoDbLayer } from './dynamodb/layer.ts'
import { startDynamoDbThread } from './dynamodb/threaded-layer.ts'
import { FaultInjector, type FaultReport, mergeFaultReports } from './faults/fault-injector.ts'
import type { FaultRule } from './faults/fault-rules.ts'
import { parseFaults } from './faults/parse-faults.ts'
import { createGateway, type RequestHandler } from './gateway.ts'
import { createSnsSqs, type SqsStoreView } from './sns-sqs/fauxqs.ts'
import { localTransport, routedTransport, servePort, type TransportPorts } from './wire-service.ts'

export interface EmbeddedAwsOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 4566 (`localDefaults.port`, LocalStack's) */
  readonly port?: number
  /** Folder to keep state in across restarts. @default - in memory */
  readonly dataDir?: string
  /** Region for ARNs and queue URLs when a request names none. @default 'us-east-1' (`localDefaults.region`) */
  readonly region?: string
  /**
   * How often DynamoDB's time-to-live sweeper deletes expired items, in ms; 0 turns it off
   * (tests call `dynamodb.sweepExpiredItems()`). @default 30000
   */
  readonly dynamoDbTtlSweepIntervalMs?: number
  /**
   * More routes on the endpoint, for local tooling such as `pipeline dev`, which serves the
   * running pipeline's outputs there: a path (`/_pipeline/status`) answers its GETs, a path
   * ending in `/` (`/_pipeline/console/`) every request under it.
   * @default - only `/_pipeline/health`
   */
  readonly routes?: Readonly<Record<string, RequestHandler>>
  /**
   * Run DynamoDB in a worker thread of its own, with its own endpoint besides the shared
   * one (`dynamoDbEndpoint`), so that its work runs beside SNS/SQS and whatever else this
   * thread does, on another core. The shared endpoint forwards DynamoDB requests to it.
   * @default false
   */
  readonly dynamoDbThread?: boolean
  /**
   * Faults to inject: AWS errors, added latency and lost replies per service and operation,
   * as rules or a spec for `parseFaults` (`'dynamodb:throttle=5%; sqs.ReceiveMessage:lost=1%'`).
   * Change them while running with `faults.set`. @default - none
   */
  readonly faults?: readonly FaultRule[] | string
}

/** `GET` on the endpoint: `{ rules, report }`, the fault rules in force and what they injected. */
export const faultsRoute = '/_pipeline/faults'

/** The embedded AWS's fault injection, while it runs. */
interface EmbeddedFaults {
  /** Replaces every rule (a spec is checked first; a bad one throws `FaultSpecError` and changes nothing). */
  set(faults: readonly FaultRule[] | string): Promise<void>
  /** Turns injection off. */
  clear(): Promise<void>
  /** The rules in force. */
  readonly rules: readonly FaultRule[]
  /** What was injected so far, per `service.Operation`. */
  report(): Promise<FaultReport>
}

export interface EmbeddedAws {
  /** `http://127.0.0.1:<port>`: give it to SDK clients as `endpoint` or to the `aws` CLI as `--endpoint-url`. */
  readonly endpoint: string
  readonly port: number
  readonly region: string
  /**
   * Where DynamoDB and DynamoDB Streams are served without the shared endpoint in between
   * (`AWS_ENDPOINT_URL_DYNAMODB`): the DynamoDB thread's own endpoint with `dynamoDbThread`,
   * otherwise `endpoint`.
   */
  readonly dynamoDbEndpoint: string
  readonly startedAt: Date
  /** fauxqs's SQS store, for inspection by local tooling. */
  readonly sqsStore: SqsStoreView
  /**
   * The in-process transport for SDK clients on this thread (`sdkTransportConfig(transport)`):
   * the same services the endpoint serves, without HTTP or signing.
   */
  readonly transport: LocalTransport
  /**
   * Ports for another thread's in-process transport (a function's execution environment):
   * transfer them and build it there with `portTransport` and `routedTransport`.
   */
  connectTransport(): Promise<TransportPorts>
  /** Requests served since start by `<service>.<operation>`, over HTTP and in process. */
  requestCounts(): Promise<Record<string, number>>
  /** The embedded DynamoDB's controls that have no AWS API. */
  readonly dynamodb: {
    /** Runs the time-to-live sweeper now (as if at `now`); resolves to how many items it deleted. */
    sweepExpiredItems(now?: Date): Promise<number>
  }
  readonly faults: EmbeddedFaults
  stop(): Promise<void>
}

/** The error thrown when the port is taken, with what to do about it. */
export class PortInUseError extends Error {
  override name = 'PortInUseError'
  constructor(port: number, options?: ErrorOptions) {
    super(
      `Port ${port} on ${loopback} is already in use (another embedded AWS, LocalStack, or other server). ` +
        `Stop it, or choose another port with --port <n> (--port 0 picks a free one).`,
      options,
    )
  }
}

/**
 * Starts SNS, SQS (fauxqs) and DynamoDB (dynalite) in this process behind one endpoint on
 * 127.0.0.1, like LocalStack's gateway (DynamoDB in a thread of its own with `dynamoDbThread`).
 */
export async function startEmbeddedAws(options: EmbeddedAwsOptions = {}): Promise<EmbeddedAws> {
  const region = options.region ?? localDefaults.region
  const faultRules = rulesOf(options.faults ?? [])
  const snsSqsFaults = new FaultInjector(faultRules)
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => {}
  let snsSqs: Awaited<ReturnType<typeof createSnsSqs>>
  try {
    snsSqs = await createSnsSqs({
      dataDir: options.dataDir && join(options.dataDir, 'sns-sqs'),
      defaultRegion: region,
      faults: snsSqsFaults,
    })
  } catch (error) {
    unlock()
    throw error
  }
  const dynamoDbOptions = {
    dataDir: options.dataDir && join(options.dataDir, 'dynamodb'),
    region,
    ttlSweepIntervalMs: options.dynamoDbTtlSweepIntervalMs,
    faults: faultRules,
  }
  let dynamodb: DynamoDbLayer & { readonly endpoint?: string }
  try {
    dynamodb = options.dynamoDbThread
      ? await startDynamoDbThread(dynamoDbOptions)
      : await createDynamoDbLayer(dynamoDbOptions)
  } catch (error) {
    await snsSqs.close()
    unlock()
    throw error
  }

  const faults: EmbeddedFaults = {
    async set(spec) {
      const rules = rulesOf(spec)
      await dynamodb.setFaults(rules)
      snsSqsFaults.set(rules)
    },
    clear() {
      return this.set([])
    },
    get rules() {
      return snsSqsFaults.rules
    },
    async report() {
      return mergeFaultReports(snsSqsFaults.report(), await dynamodb.faultReport())
    },
  }
  const health = JSON.stringify({
    services: { sns: 'running', sqs: 'running', dynamodb: 'running' },
  })
  const server = createServer(
    { keepAliveTimeout: 60_000 },
    createGateway(
      {
        'sns-sqs': snsSqs.handler,
        'sqs-query': snsSqs.sqsQueryHandler,
        dynamodb: dynamodb.handler,
      },
      {
        ...options.routes,
        '/_pipeline/health': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' }).end(health)
        },
        // What fault injection is doing, for tools in another process (the chaos run).
        [faultsRoute]: (_req, res) => {
          faults.report().then(
            (report) =>
              res
                .writeHead(200, { 'content-type': 'application/json' })
                .end(JSON.stringify({ rules: snsSqsFaults.rules, report })),
            (error: unknown) =>
              res
                .writeHead(500, { 'content-type': 'application/json' })
                .end(JSON.stringify({ message: String(error) })),
          )
        },
      },
    ),
  )
  try {
    await listen(server, options.port ?? localDefaults.port)
  } catch (error) {
    await Promise.all([snsSqs.close(), dynamodb.close()])
    unlock()
    throw error
  }
  const port = (server.address() as AddressInfo).port
  let stopped: Promise<void> | undefined
  const endpoint = `http://${loopback}:${port}`

  return {
    endpoint,
    port,
    region,
    dynamoDbEndpoint: dynamodb.endpoint ?? endpoint,
    startedAt: new Date(),
    sqsStore: snsSqs.sqsStore,
    transport: routedTransport({
      dynamodb: localTransport(dynamodb.call),
      snsSqs: localTransport(snsSqs.call),
    }),
    async connectTransport() {
      const { port1, port2 } = new MessageChannel()
      servePort(port1, snsSqs.call)
      return { dynamodb: await dynamodb.connect(), snsSqs: port2 }
    },
    async requestCounts() {
      return { ...snsSqs.requestCounts(), ...(await dynamodb.requestCounts()) }
    },
    dynamodb: { sweepExpiredItems: (now) => dynamodb.sweepExpiredItems(now) },
    faults,
    stop() {
      stopped ??= (async () => {
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
        await Promise.all([snsSqs.close(), dynamodb.close()])
        unlock()
      })()
      return stopped
    },
  }
}

/** Rules as given, or read from a spec; either way checked. */
function rulesOf(faults: readonly FaultRule[] | string): FaultRule[] {
  return parseFaults(typeof faults === 'string' ? faults : JSON.stringify(faults))
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, { cause: error }) : error)
    }
    server.once('error', onError)
    server.listen(port, loopback, () => {
      server.off('error', onError)
      resolve()
    })
  })
}
