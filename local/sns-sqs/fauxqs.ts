import { mkdirSync } from 'node:fs'
import { buildApp } from 'fauxqs'
import { sendAwsError } from '../aws-errors.ts'
import { localDefaults } from '../defaults.ts'
import { InjectedFault, LostReply } from '../faults/apply-faults.ts'
import type { FaultInjector } from '../faults/fault-injector.ts'
import type { RequestHandler } from '../gateway.ts'
import { operationOf, RequestCounts, serveOverHttp, type WireService } from '../wire-service.ts'
import { faultHooks, lostReplyHeader } from './fault-hooks.ts'
import { filterPolicyGuard } from './filter-policy-validation.ts'
import { publishHook, selectingPublish } from './filtered-publish.ts'
import { fauxqsSqsActionFiles } from './sqs/fauxqs-sqs.ts'
import { sqsJsonHook } from './sqs/json-protocol.ts'
import type { FauxqsAction } from './sqs/sqs-action.ts'
import { toSqsError } from './sqs/sqs-error.ts'
import { createSqsLayer, type SqsLayer } from './sqs/sqs-layer.ts'
import {
  type FauxqsMessagePersistence,
  persistSystemAttributes,
} from './sqs/system-attributes-persistence.ts'
import {
  jsonToQueryError,
  jsonToQueryResponse,
  QueryProtocolError,
  queryToJsonRequest,
} from './sqs-query-protocol.ts'

/** The parts of fauxqs's SQS store the embedded AWS and its tools read. */
export interface SqsStoreView {
  host: string
  region?: string
  allQueues(): Iterable<{
    name: string
    url: string
    arn: string
    getAttribute(name: string): string
  }>
  shutdown(): void
}

export interface SnsSqs {
  /**
   * Serves SNS (Query protocol) and SQS (JSON protocol) requests, the one entry the HTTP
   * endpoint and the in-process transport both call: SQS through the SQS layer (its rules,
   * faults), SNS through fauxqs's app with our hooks (validation, filtered publish, faults).
   */
  readonly call: WireService
  /** `call` over HTTP. */
  readonly handler: RequestHandler
  /** SQS over the Query protocol, translated to the JSON protocol fauxqs serves. */
  readonly sqsQueryHandler: RequestHandler
  readonly sqsStore: SqsStoreView
  /** SQS at the action level, for in-process callers: what both wire protocols run. */
  readonly sqs: SqsLayer
  /** Requests served since start, by `SNS.<action>` and `SQS.<action>`. */
  requestCounts(): Record<string, number>
  close(): Promise<void>
}

export interface SnsSqsOptions {
  /** Folder for SQLite persistence of queues, topics, subscriptions and messages. @default - in memory */
  readonly dataDir?: string
  /** Region used when a request does not name one in its credential scope. @default 'us-east-1' (`localDefaults.region`) */
  readonly defaultRegion?: string
  /** Faults to inject into SNS and SQS requests. @default - none */
  readonly faults?: FaultInjector
  /**
   * Apply our SQS actions (local/sns-sqs/sqs/actions/: AWS's rules, the AWSTraceHeader, the
   * dead-letter marks). Off only to measure what they cost (test/bench/sqs-layer.bench.ts):
   * every action then goes straight to fauxqs's handler, through the same layer and wire.
   * @default true
   */
  readonly sqsRules?: boolean
}

/**
 * The modules of fauxqs's dist folder loaded by path (they are not in its exports map), in
 * the order `createSnsSqs` destructures them; each is smoke-tested in
 * test/unit/local/dependency-internals.test.ts.
 */
type Headers = Readonly<Record<string, string>>

/** Set by whoever writes the response (HTTP) or meaningless without a connection (in process). */
const notForwarded = new Set([
  'connection',
  'content-length',
  'keep-alive',
  'transfer-encoding',
  lostReplyHeader,
])

function jsonReply(status: number, body: string, queryError?: string) {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': crypto.randomUUID(),
      ...(queryError ? { 'x-amzn-query-error': queryError } : {}),
    },
    body,
  }
}

/** The body as a JSON object, or undefined (then fauxqs's app answers as it does). */
function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = body ? JSON.parse(body) : {}
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

export const fauxqsDistModules = [
  'sqs/sqsStore.js',
  'sns/snsStore.js',
  's3/s3Store.js',
  'persistence.js',
  'sns/actions/publish.js',
] as const

/** The part of fauxqs's PersistenceManager that `keepReceiveCountWhenReleased` replaces. */
interface FauxqsPersistence {
  readonly db: { prepare(sql: string): { run(...values: unknown[]): unknown } }
  updateMessageReady(messageId: string): void
}

/**
 * fauxqs 2.4.1 writes a message made visible again (ChangeMessageVisibility 0) with
 * `approximate_receive_count = NULL`, which its own schema refuses (NOT NULL): the call
 * throws after the message left flight and before it is queued again, so the running queue
 * loses it until a restart. Releasing a message clears only its receipt and deadline (its
 * receive count and first receive stay, as in memory and on AWS).
 */
function keepReceiveCountWhenReleased(persistence: FauxqsPersistence): void {
  const release = persistence.db.prepare(
    'UPDATE sqs_messages SET receipt_handle = NULL, visibility_deadline = NULL WHERE message_id = ?',
  )
  persistence.updateMessageReady = (messageId) => {
    release.run(messageId)
  }
}

/**
 * fauxqs's `startFauxqs` always listens on 0.0.0.0 and builds queue URLs on
 * `sqs.<region>.localhost`, which does not resolve everywhere. We build its Fastify app
 * ourselves and serve it through our 127.0.0.1 gateway, with the stores (and persistence)
 * wired as startFauxqs wires them. The store classes are not in the package's exports map,
 * so they are loaded from its dist folder by path.
 */
export async function createSnsSqs(options: SnsSqsOptions = {}): Promise<SnsSqs> {
  const dist = import.meta.resolve('fauxqs') // …/fauxqs/dist/app.js
  const load = (file: string) => import(new URL(file, dist).href)
  const [{ SqsStore }, { SnsStore }, { S3Store }, { PersistenceManager }, fauxqsPublish] =
    await Promise.all(fauxqsDistModules.map(load))
  const sqsStore = new SqsStore()
  const snsStore = new SnsStore()
  const s3Store = new S3Store()

  let persistence: { load(...stores: unknown[]): void; close(): void } | undefined
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true })
    persistence = new PersistenceManager(options.dataDir)
    keepReceiveCountWhenReleased(persistence as unknown as FauxqsPersistence)
    const systemAttributes = persistSystemAttributes(
      persistence as unknown as FauxqsMessagePersistence,
    )
    // Load before wiring persistence in, as fauxqs does, so loading does not write back.
    persistence!.load(sqsStore, snsStore, s3Store)
    systemAttributes.restore(sqsStore)
    sqsStore.persistence = persistence
    snsStore.persistence = persistence
    s3Store.persistence = persistence
    for (const queue of sqsStore.allQueues()) queue.persistence = persistence
  }

  const app = buildApp({
    logger: false,
    defaultRegion: options.defaultRegion ?? localDefaults.region,
    stores: { sqsStore, snsStore, s3Store },
  })
  // An empty host makes queue URLs use the Host the client called: http://127.0.0.1:4566/000000000000/name
  sqsStore.host = ''
  if (options.faults) {
    const hooks = faultHooks(options.faults)
    app.addHook('preHandler', hooks.preHandler)
    app.addHook('onSend', hooks.onSend)
  }
  // Filter policies are validated as AWS does before fauxqs stores them (it checks few rules).
  app.addHook('preHandler', filterPolicyGuard(snsStore))
  // Delivery follows AWS's filter-policy semantics (fauxqs's own evaluator differs on arrays,
  // nested $or, dotted keys, cidr): our evaluator selects, fauxqs delivers.
  app.addHook('preHandler', publishHook(selectingPublish(snsStore, sqsStore, fauxqsPublish)))
  // SQS requests run through our layer (local/sns-sqs/sqs/): faults, AWS's rules per action,
  // then fauxqs, for the JSON protocol here and the Query protocol below.
  const sqs = createSqsLayer(sqsStore, await loadFauxqsSqsActions(load), options.faults, {
    rules: options.sqsRules ?? true,
  })
  app.addHook('preHandler', sqsJsonHook(sqs))
  await app.ready()

  const counts = new RequestCounts()
  /** The SQS JSON protocol straight to the SQS layer, as its Fastify hook would answer it. */
  const sqsJson = async (action: string, input: Record<string, unknown>, headers: Headers) => {
    try {
      const output = await sqs.call(action, input, { headers })
      return jsonReply(200, JSON.stringify(output))
    } catch (error) {
      if (error instanceof LostReply) throw error
      if (error instanceof InjectedFault) {
        const { status, code, message } = error.error
        return jsonReply(status, JSON.stringify({ __type: code, message }), `${code};Sender`)
      }
      const wire = toSqsError(error).toWire()
      return jsonReply(wire.status, JSON.stringify(wire.body), wire.queryError)
    }
  }
  const call: WireService = async (request) => {
    const operation = operationOf(request)
    counts.add(operation)
    const target = request.headers['x-amz-target']
    if (target?.startsWith('AmazonSQS.')) {
      const input = parseJsonObject(request.body)
      if (input) return sqsJson(target.slice('AmazonSQS.'.length), input, request.headers)
    }
    const response = await app.inject({
      method: request.method as 'POST',
      url: request.path,
      headers: request.headers,
      payload: request.body,
    })
    if (response.headers[lostReplyHeader]) {
      const [service = '', action = ''] = operation.split('.')
      throw new LostReply(service === 'SQS' ? 'sqs' : 'sns', action)
    }
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined && !notForwarded.has(name))
        headers[name] = Array.isArray(value) ? value.join(', ') : String(value)
    }
    return { status: response.statusCode, headers, body: response.body }
  }

  return {
    call,
    handler: serveOverHttp(call),
    requestCounts: () => counts.snapshot(),
    sqsQueryHandler: (req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', async () => {
        const requestId = crypto.randomUUID()
        try {
          const host = req.headers.host ?? '127.0.0.1'
          const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
          const { action, body } = queryToJsonRequest(
            form,
            new URL(req.url ?? '/', 'http://x').pathname,
            host,
          )
          counts.add(`SQS.${action}`)
          let status = 200
          let xml: string
          try {
            const output = await sqs.call(action, body as Record<string, unknown>, {
              headers: req.headers,
            })
            // As it would go over the JSON protocol: no undefined members.
            xml = jsonToQueryResponse(action, JSON.parse(JSON.stringify(output)), requestId)
          } catch (error) {
            if (error instanceof LostReply || error instanceof InjectedFault) throw error
            const wire = toSqsError(error).toWire()
            status = wire.status
            xml = jsonToQueryError(status, wire.body, wire.queryError, requestId)
          }
          res
            .writeHead(status, {
              'content-type': 'text/xml',
              'x-amzn-requestid': requestId,
            })
            .end(xml)
        } catch (error) {
          if (error instanceof LostReply) {
            res.destroy()
            return
          }
          if (error instanceof InjectedFault) {
            const { status, code, message } = error.error
            sendAwsError(res, 'query', status, code, message)
            return
          }
          const code = error instanceof QueryProtocolError ? error.code : 'InternalFailure'
          sendAwsError(
            res,
            'query',
            error instanceof QueryProtocolError ? 400 : 500,
            code,
            String((error as Error).message),
          )
        }
      })
    },
    sqsStore,
    sqs,
    async close() {
      await app.close()
      persistence?.close()
    },
  }
}

/** fauxqs's SQS action handlers (sqs/actions/*.js in its dist folder), by action name. */
async function loadFauxqsSqsActions(
  load: (file: string) => Promise<Record<string, unknown>>,
): Promise<Record<string, FauxqsAction>> {
  const entries = await Promise.all(
    Object.entries(fauxqsSqsActionFiles).map(async ([action, file]) => {
      const module = await load(`sqs/actions/${file}.js`)
      return [action, module[file] as FauxqsAction] as const
    }),
  )
  return Object.fromEntries(entries)
}
