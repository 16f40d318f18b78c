import { Agent, type IncomingHttpHeaders, request } from 'node:http'
import { Worker } from 'node:worker_threads'
import { sendAwsError } from '../aws-errors.ts'
import type { DynamoDbLayer, DynamoDbLayerOptions } from './layer.ts'

/** What the host asks the DynamoDB thread. */
export type ThreadRequest =
  | { readonly type: 'sweep'; readonly id: number; readonly now: number }
  | { readonly type: 'close'; readonly id: number }

/** What the DynamoDB thread says. */
export type ThreadReply =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'init-error'; readonly message: string }
  | {
      readonly type: 'reply'
      readonly id: number
      readonly result?: number
      readonly error?: string
    }

export interface ThreadedDynamoDbLayer extends DynamoDbLayer {
  /** The thread's own endpoint, `http://127.0.0.1:<port>`, for SDK clients that call DynamoDB and DynamoDB Streams directly. */
  readonly endpoint: string
}

const threadScript = new URL('./thread.ts', import.meta.url)
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade'])

/**
 * The embedded DynamoDB (the same layer) run in a worker thread, so its work (validation,
 * expressions, LevelDB, JSON) runs beside SNS/SQS and the event source mappings on the main
 * thread instead of after them: in a burst the main thread was busy all the time, and
 * DynamoDB was more than half of it. The thread serves HTTP on its own 127.0.0.1 port
 * (`endpoint`); `handler` forwards the requests the shared endpoint receives to it, so a
 * client of either sees one DynamoDB.
 */
export async function startDynamoDbThread(
  options: DynamoDbLayerOptions = {},
): Promise<ThreadedDynamoDbLayer> {
  const worker = new Worker(threadScript, {
    workerData: { ...options },
    // Not the parent's flags (under `npm start` they load tsx); Node strips the types itself.
    execArgv: [],
  })
  const pending = new Map<number, (reply: Extract<ThreadReply, { type: 'reply' }>) => void>()
  let exited = false
  const port = await new Promise<number>((resolve, reject) => {
    worker.on('message', (message: ThreadReply) => {
      if (message.type === 'ready') resolve(message.port)
      else if (message.type === 'init-error')
        reject(new Error(`The embedded DynamoDB could not start: ${message.message}`))
      else {
        pending.get(message.id)?.(message)
        pending.delete(message.id)
      }
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      exited = true
      reject(new Error(`The embedded DynamoDB thread exited with code ${code} while starting`))
      for (const settle of pending.values())
        settle({ type: 'reply', id: 0, error: `the embedded DynamoDB thread exited (${code})` })
      pending.clear()
    })
  })
  worker.on('error', (error) => console.error('[embedded DynamoDB] thread failed:', error))

  let nextId = 1
  const ask = (message: DistributiveOmit<ThreadRequest, 'id'>): Promise<number> => {
    if (exited) return Promise.reject(new Error('the embedded DynamoDB thread has exited'))
    const id = nextId++
    return new Promise((resolve, reject) => {
      pending.set(id, (reply) =>
        reply.error === undefined ? resolve(reply.result ?? 0) : reject(new Error(reply.error)),
      )
      worker.postMessage({ ...message, id })
    })
  }

  const agent = new Agent({ keepAlive: true, maxSockets: 64 })
  let closed: Promise<void> | undefined
  return {
    endpoint: `http://127.0.0.1:${port}`,
    handler: (req, res) => {
      const upstream = request(
        {
          host: '127.0.0.1',
          port,
          method: req.method,
          path: req.url,
          headers: withoutHopByHop(req.headers),
          agent,
        },
        (response) => {
          res.writeHead(response.statusCode ?? 500, withoutHopByHop(response.headers))
          response.pipe(res)
        },
      )
      upstream.on('error', (error) =>
        sendAwsError(
          res,
          'json',
          500,
          'InternalServerError',
          `The embedded DynamoDB failed: ${error.message}`,
        ),
      )
      req.pipe(upstream)
    },
    sweepExpiredItems: (now = new Date()) => ask({ type: 'sweep', now: now.getTime() }),
    close() {
      closed ??= (async () => {
        agent.destroy()
        if (!exited) {
          const gone = new Promise((resolve) => worker.once('exit', resolve))
          await ask({ type: 'close' }).catch(() => 0)
          await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000))])
        }
        await worker.terminate()
      })()
      return closed
    },
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    if (!hopByHop.has(name)) out[name] = value
  }
  return out
}
