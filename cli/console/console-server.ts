import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { CliError } from '../cli-error.ts'
import { type ConsoleApi, type ConsoleContext, consoleApi } from './console-api.ts'
import { FlowSampler } from './flow-sampler.ts'

/** Where `npm start` serves the console on its endpoint. */
const consolePath = '/_pipeline/console/'

/** The console's address on an endpoint. */
export function consoleUrlOf(endpoint: string): string {
  return `${endpoint}${consolePath}`
}

/** The largest POST body the console reads: a publish form's event. */
const maxBodyBytes = 300_000

const assets: Readonly<Record<string, { file: string; type: string }>> = {
  '': { file: 'index.html', type: 'text/html; charset=utf-8' },
  'console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  'console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
}

/**
 * The origins the console's page has on an endpoint: the endpoint's own, and the same port
 * as `localhost` (both name the loopback address it listens on).
 */
export function consoleOrigins(endpoint: string): string[] {
  const url = new URL(endpoint)
  return [
    url.origin,
    `${url.protocol}//localhost:${url.port}`,
    `${url.protocol}//127.0.0.1:${url.port}`,
  ]
}

export interface PipelineConsole {
  /**
   * Serves everything under {@link consolePath}. Nothing of the console runs between
   * requests: its flow is sampled when the page reads its figures.
   */
  handle(req: IncomingMessage, res: ServerResponse): void
}

/**
 * The web console: a page and its script and style (files beside this one, no CDN), a JSON
 * API that reads the pipeline through its PipelineReader, and two actions, redrive and
 * publish, which only a POST with a JSON body from the console's own origin may trigger:
 * another page in the browser can neither send JSON cross-origin without asking (CORS
 * preflight, which this server never grants) nor forge the Origin header.
 */
export function createConsole(
  ctx: Omit<ConsoleContext, 'flow'> & { readonly origins: readonly string[] },
): PipelineConsole {
  const flow = new FlowSampler(ctx.reader, ctx.resources)
  const api = consoleApi({ ...ctx, flow })
  const files = new Map(
    Object.entries(assets).map(([path, asset]) => [
      path,
      {
        type: asset.type,
        body: readFileSync(new URL(`./assets/${asset.file}`, import.meta.url)),
      },
    ]),
  )
  const origins = new Set(ctx.origins)

  return {
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://console')
      const path = url.pathname.slice(consolePath.length - 1).replace(/^\//, '')
      const method = req.method ?? 'GET'
      const headers = {
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        // The page loads its own script and style, and nothing from anywhere else.
        'content-security-policy':
          "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
      }
      const file = files.get(path)
      if (method === 'GET' && file) {
        res.writeHead(200, { ...headers, 'content-type': file.type }).end(file.body)
        return
      }
      const reply = (status: number, body: unknown) =>
        res
          .writeHead(status, { ...headers, 'content-type': 'application/json' })
          .end(JSON.stringify(body))
      const route = routeOf(api, method, path, url.searchParams)
      if (!route) return reply(404, { error: `no ${method} ${url.pathname} in the console` })
      if (method === 'POST') {
        const refusal = refuseAction(req, origins)
        if (refusal) {
          req.resume()
          return reply(403, { error: refusal })
        }
      }
      readJson(req)
        .then((body) => route(body))
        .then(
          (result) => reply(200, result),
          (error: unknown) =>
            error instanceof CliError || error instanceof SyntaxError
              ? reply(400, { error: (error as Error).message })
              : reply(500, { error: `${(error as Error).name}: ${(error as Error).message}` }),
        )
    },
  }
}

/**
 * The console's route on the embedded endpoint, mounted before the pipeline starts (routes
 * are the endpoint's from its start) and serving once `attach` gave it the console.
 */
export function consoleMount(): {
  readonly routes: Readonly<Record<string, (req: IncomingMessage, res: ServerResponse) => void>>
  attach(console: PipelineConsole): void
} {
  let attached: PipelineConsole | undefined
  return {
    routes: {
      [consolePath]: (req, res) => {
        if (attached) return attached.handle(req, res)
        req.resume()
        res.writeHead(503, { 'content-type': 'text/plain' }).end('the pipeline is starting')
      },
    },
    attach(console) {
      attached = console
    },
  }
}

function routeOf(
  api: ConsoleApi,
  method: string,
  path: string,
  query: URLSearchParams,
): ((body: unknown) => Promise<unknown> | unknown) | undefined {
  const q = (name: string) => query.get(name)?.trim() ?? ''
  const routes: Record<string, (body: unknown) => Promise<unknown> | unknown> = {
    'GET api/topology': () => api.topology(),
    'GET api/figures': () => api.figures(),
    'GET api/dead-letters': () => api.deadLetters(),
    'GET api/trace': () => api.trace(q('eventId')),
    'GET api/history': () => api.history(q('orderId'), q('asOf')),
    'GET api/catalogue': () => api.catalogue(),
    'POST api/redrive': (body) => api.redrive(body),
    'POST api/publish': (body) => api.publish(body),
  }
  return routes[`${method} ${path}`]
}

/** Why an action is refused, or undefined: it must come from the console's page, as JSON. */
function refuseAction(req: IncomingMessage, origins: ReadonlySet<string>): string | undefined {
  const origin = req.headers.origin
  if (!origin || !origins.has(origin)) {
    return `actions are taken from the console's own page only (Origin ${origin ?? 'missing'})`
  }
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return 'an action takes a JSON body (content-type application/json)'
  }
  return undefined
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (req.method !== 'POST') {
    req.resume()
    return undefined
  }
  const chunks: Buffer[] = []
  let bytes = 0
  for await (const chunk of req) {
    bytes += (chunk as Buffer).length
    if (bytes > maxBodyBytes) throw new CliError(`the body is over ${maxBodyBytes} bytes`)
    chunks.push(chunk as Buffer)
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null')
}
