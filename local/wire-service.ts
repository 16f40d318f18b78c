/**
 * One emulated service as a function from a wire request to a wire response: what the HTTP
 * endpoint and the in-process transport both call, so validation, the DynamoDB layer and fault
 * injection live in one place whichever way a request arrives.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { MessagePort } from 'node:worker_threads'
import type {
  AwsWireRequest,
  AwsWireResponse,
  LocalTransport,
} from '../contracts/local-transport.ts'
import { LostReply } from './faults/apply-faults.ts'

/**
 * Answers a request, or rejects with `LostReply` (fault injection: the operation ran, its
 * reply is dropped) or `ConnectionReset` (the same, seen from the other end of a port).
 */
export type WireService = (request: AwsWireRequest) => Promise<AwsWireResponse>

/**
 * A reply that never came, as a client sees it: the SDK retries an error with this code as
 * it retries a reset connection.
 */
class ConnectionReset extends Error {
  override name = 'ConnectionReset'
  readonly code = 'ECONNRESET'
  constructor(message = 'socket hang up: the embedded AWS dropped the reply') {
    super(message)
  }
}

const isDropped = (error: unknown) => error instanceof LostReply || error instanceof ConnectionReset

/** `service` as a transport for a client on this thread: a dropped reply is a reset connection. */
export function localTransport(service: WireService): LocalTransport {
  return {
    send: (request) =>
      service(request).catch((error: unknown) => {
        throw isDropped(error) ? new ConnectionReset((error as Error).message) : error
      }),
  }
}

/** Serves `service` over HTTP: reads the whole body, calls it, writes what it answered. */
export function serveOverHttp(service: WireService) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
      }
      service({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }).then(
        (response) => {
          const body = Buffer.from(response.body, 'utf8')
          res.writeHead(response.status, { ...response.headers, 'content-length': body.length })
          res.end(body)
        },
        (error: unknown) => {
          if (isDropped(error)) {
            res.destroy()
            return
          }
          res.writeHead(500, { 'content-type': 'text/plain' })
          res.end(`The embedded AWS failed: ${(error as Error).message}`)
        },
      )
    })
  }
}

interface PortRequest {
  readonly id: number
  readonly request: AwsWireRequest
}

type PortReply =
  | { readonly id: number; readonly response: AwsWireResponse }
  | { readonly id: number; readonly error: string; readonly dropped?: true }

/** Answers the requests that arrive on `port` with `service` (the other end is `portTransport`). */
export function servePort(port: MessagePort, service: WireService): void {
  port.on('message', ({ id, request }: PortRequest) => {
    service(request).then(
      (response) => port.postMessage({ id, response } satisfies PortReply),
      (error: unknown) =>
        port.postMessage({
          id,
          error: (error as Error).message ?? String(error),
          ...(isDropped(error) ? { dropped: true as const } : {}),
        } satisfies PortReply),
    )
  })
  // The port alone never keeps a thread alive; the thread's own work does.
  port.unref()
}

/** A transport whose requests go to the `servePort` at the other end of `port`. */
export function portTransport(port: MessagePort): LocalTransport & { close(): void } {
  const pending = new Map<
    number,
    { resolve(response: AwsWireResponse): void; reject(error: Error): void }
  >()
  let nextId = 1
  port.on('message', (reply: PortReply) => {
    const waiting = pending.get(reply.id)
    pending.delete(reply.id)
    if (pending.size === 0) port.unref()
    if ('response' in reply) waiting?.resolve(reply.response)
    else if (reply.dropped) waiting?.reject(new ConnectionReset(reply.error))
    else waiting?.reject(new Error(`The embedded AWS failed: ${reply.error}`))
  })
  port.on('close', () => {
    for (const waiting of pending.values()) waiting.reject(new Error('The embedded AWS is gone'))
    pending.clear()
  })
  port.unref()
  return {
    send(request) {
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        // A request in flight keeps the thread alive until it is answered, as a socket would.
        port.ref()
        port.postMessage({ id, request } satisfies PortRequest)
      })
    },
    close: () => port.close(),
  }
}

const targetServices: Record<string, string> = {
  AmazonSQS: 'SQS',
  DynamoDB_20120810: 'DynamoDB',
  DynamoDBStreams_20120810: 'DynamoDB Streams',
}

/**
 * `<service>.<operation>` of a request to the SNS/SQS emulator: from `X-Amz-Target` (JSON
 * protocol), else the Query protocol's `Action` (SNS; SQS's Query protocol is translated to
 * JSON before it gets here).
 */
export function operationOf(request: AwsWireRequest): string {
  const target = request.headers['x-amz-target']
  if (target) {
    const [prefix = '', operation = ''] = target.split('.')
    return `${targetServices[prefix] ?? prefix}.${operation}`
  }
  const query = request.path.indexOf('?')
  const action =
    (query >= 0 ? new URLSearchParams(request.path.slice(query + 1)).get('Action') : null) ??
    (request.body.includes('Action=') ? new URLSearchParams(request.body).get('Action') : null)
  return action ? `SNS.${action}` : `${request.method} ${request.path.split('?')[0]}`
}

/** Requests served, by `service.operation`. */
export class RequestCounts {
  readonly #counts = new Map<string, number>()

  add(key: string, n = 1): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + n)
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#counts)
  }
}

/** The two places the embedded AWS serves from: DynamoDB (perhaps in a thread of its own) and SNS/SQS. */
export interface TransportRoutes {
  readonly dynamodb: LocalTransport
  readonly snsSqs: LocalTransport
}

/** One transport for every client: DynamoDB and DynamoDB Streams requests to one, the rest to the other. */
export function routedTransport(routes: TransportRoutes): LocalTransport {
  return {
    send: (request) =>
      (request.headers['x-amz-target']?.startsWith('DynamoDB')
        ? routes.dynamodb
        : routes.snsSqs
      ).send(request),
  }
}

/** The ports a worker thread's transport uses (transfer both to it). */
export interface TransportPorts {
  readonly dynamodb: MessagePort
  readonly snsSqs: MessagePort
}
