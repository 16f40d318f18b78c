/**
 * The in-process transport of the local target: what the embedded AWS (local/) gives a
 * function's execution environment and its own pollers, and how an AWS SDK v3 client uses it.
 *
 * The boundary: `localTransport()` is undefined on AWS and LocalStack, so `sdkTransportConfig()`
 * is `{}` there and the SDK signs and sends over HTTP as always. Only the local execution
 * environment (local/lambda/execution-environment/worker.ts) installs a transport, before it
 * imports the handler; then the same clients, with the same serializers and wire format, skip
 * SigV4 (the embedded AWS checks no signature) and hand each request to the embedded AWS over
 * a MessagePort instead of loopback HTTP. The embedded AWS serves both through the same
 * per-service `call` (validation, the DynamoDB layer, fault injection), so nothing AWS would
 * refuse gets through the fast path. Plain TypeScript: the SDK's handler and signer interfaces
 * are met structurally, with no import.
 */

/** One AWS request as the wire has it: the method, the path with its query, headers, the body. */
export interface AwsWireRequest {
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** The reply: HTTP status, headers, body, as the emulator would have written them. */
export interface AwsWireResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** Sends one request to the embedded AWS without HTTP. */
export interface LocalTransport {
  send(request: AwsWireRequest): Promise<AwsWireResponse>
}

const transportKey = Symbol.for('event-pipeline.local-transport')

/** Installs the transport for this thread's SDK clients (local execution environments only). */
export function installLocalTransport(transport: LocalTransport): void {
  ;(globalThis as Record<symbol, unknown>)[transportKey] = transport
}

/** The transport the local execution environment installed, if any. */
function localTransport(): LocalTransport | undefined {
  return (globalThis as Record<symbol, unknown>)[transportKey] as LocalTransport | undefined
}

/** The smithy HttpRequest fields the transport reads. */
interface SdkHttpRequest {
  readonly method: string
  readonly hostname: string
  readonly port?: number
  readonly path: string
  readonly query?: Record<string, string | string[] | null>
  readonly headers: Record<string, string>
  readonly body?: unknown
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * SDK v3 client configuration that sends through `transport` and signs nothing: a request
 * handler and a SigV4 auth scheme whose signer leaves the request as it is. `{}` without a
 * transport (on AWS), so `new DynamoDBClient(sdkTransportConfig())` is a plain client there.
 */
export function sdkTransportConfig(transport: LocalTransport | undefined = localTransport()) {
  if (!transport) return {}
  return {
    requestHandler: {
      async handle(request: SdkHttpRequest, options?: { abortSignal?: AbortSignal }) {
        const reply = transport.send(toWire(request))
        const response = await (options?.abortSignal
          ? abortable(reply, options.abortSignal)
          : reply)
        return {
          response: {
            statusCode: response.status,
            headers: { ...response.headers },
            body: encoder.encode(response.body),
          },
        }
      },
      updateHttpClientConfig() {},
      httpHandlerConfigs: () => ({}),
      destroy() {},
    },
    // The embedded AWS checks no signature: signing is work for nothing (about 1 ms a request).
    httpAuthSchemes: [
      {
        schemeId: 'aws.auth#sigv4',
        identityProvider: () => async () => ({}),
        signer: { sign: async <T>(request: T) => request },
      },
    ],
  }
}

function toWire(request: SdkHttpRequest): AwsWireRequest {
  const query = Object.entries(request.query ?? {}).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((v) =>
      v === null
        ? encodeURIComponent(name)
        : `${encodeURIComponent(name)}=${encodeURIComponent(v)}`,
    ),
  )
  const body = request.body
  return {
    method: request.method,
    path: query.length > 0 ? `${request.path}?${query.join('&')}` : request.path,
    // Unsigned, so no signer adds Host; the emulators build queue URLs from it.
    headers: {
      host: request.port ? `${request.hostname}:${request.port}` : request.hostname,
      ...request.headers,
    },
    body:
      typeof body === 'string'
        ? body
        : body instanceof Uint8Array
          ? decoder.decode(body)
          : body === undefined || body === null
            ? ''
            : String(body),
  }
}

function abortable<T>(reply: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError())
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortError())
    signal.addEventListener('abort', onAbort, { once: true })
    reply.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

function abortError(): Error {
  const error = new Error('Request aborted')
  error.name = 'AbortError'
  return error
}
