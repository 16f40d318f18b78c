import type { ServerResponse } from 'node:http'
import type { SpanRecord } from '../../contracts/trace-context.ts'
import type { RequestHandler } from '../gateway.ts'

/** `/_pipeline/stack`: where the running pipeline's resources are. */
export interface StackDocument {
  readonly stackName: string
  readonly region: string
  readonly outputs: Readonly<Record<string, string>>
}

/** `/_pipeline/status`: what the local runner has seen, per function, and queue ages. */
export interface StatusDocument {
  readonly startedAt: string
  readonly functions: Readonly<Record<string, import('./consumer-stats.ts').FunctionFigures>>
  /** Age of the oldest message per queue name, in seconds; null when the queue is empty. */
  readonly oldestMessageAgeSeconds: Readonly<Record<string, number | null>>
}

/** `/_pipeline/spans?eventId=…`: the spans of the traces an event is part of. */
export interface SpansDocument {
  /** False when the pipeline runs without tracing (then there are never spans). */
  readonly tracing: boolean
  readonly spans: readonly SpanRecord[]
}

/** `/_pipeline/template`: the synthesized template's resources, each with its physical id. */
export interface TemplateDocument {
  readonly resources: Readonly<
    Record<
      string,
      {
        readonly type: string
        readonly properties: Readonly<Record<string, unknown>>
        readonly physicalId?: string
      }
    >
  >
}

export const stackRoute = '/_pipeline/stack'
export const templateRoute = '/_pipeline/template'
export const statusRoute = '/_pipeline/status'
export const spansRoute = '/_pipeline/spans'

/**
 * The routes `pipeline dev` adds to the embedded endpoint. They answer 503 until the
 * pipeline is provisioned and running, then serve what `read()` returns.
 */
export function pipelineRoutes(
  read: () =>
    | {
        stack: StackDocument
        status: () => StatusDocument
        template?: TemplateDocument
        /** @default - no tracing: no spans */
        spans?: (eventId: string) => SpansDocument
      }
    | undefined,
): Record<string, RequestHandler> {
  const send = (res: ServerResponse, body: unknown) => {
    if (body === undefined) {
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: 'the pipeline is starting' }))
    } else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }
  return {
    [stackRoute]: (_req, res) => send(res, read()?.stack),
    [statusRoute]: (_req, res) => send(res, read()?.status()),
    [templateRoute]: (_req, res) => send(res, read()?.template),
    [spansRoute]: (req, res) => {
      const eventId = new URL(req.url ?? '/', 'http://local').searchParams.get('eventId') ?? ''
      const served = read()
      send(res, served && (served.spans?.(eventId) ?? { tracing: false, spans: [] }))
    },
  }
}
