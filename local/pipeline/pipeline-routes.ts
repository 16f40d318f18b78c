import type { ServerResponse } from 'node:http'
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

export const stackRoute = '/_pipeline/stack'
export const statusRoute = '/_pipeline/status'

/**
 * The routes `pipeline dev` adds to the embedded endpoint. They answer 503 until the
 * pipeline is provisioned and running, then serve what `read()` returns.
 */
export function pipelineRoutes(
  read: () => { stack: StackDocument; status: () => StatusDocument } | undefined,
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
  }
}
