import { Agent, type IncomingHttpHeaders, request } from 'node:http'
import { Worker } from 'node:worker_threads'
import { sendAwsError } from '../aws-errors.ts'
import type { FaultReport } from '../faults/fault-injector.ts'
import type { FaultRule } from '../faults/fault-rules.ts'
import { WorkerChannel, WorkerExitError, WorkerInitError } from '../worker-channel.ts'
import type { DynamoDbLayer, DynamoDbLayerOptions } from './layer.ts'

/** What the host asks the DynamoDB thread; `sweep` and `close` are answered with a number, `fault-report` with the report. */
export type ThreadRequest =
  | { readonly type: 'sweep'; readonly now: number }
  | { readonly type: 'faults'; readonly rules: readonly FaultRule[] }
  | { readonly type: 'fault-report' }
  | { readonly type: 'close' }

type ThreadResult = number | FaultReport

export interface ThreadedDynamoDbLayer extends DynamoDbLayer {
  /** The thread's own endpoint, `http://127.0.0.1:<port>`, for SDK clients that call DynamoDB and DynamoDB Streams directly. */
  readonly endpoint: string
}

const threadScript = new URL('./thread.ts', import.meta.url)
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade'])

/**
 * The embedded DynamoDB (the same layer) run in a worker thread, so its work (validation,
 * expressions, LevelDB, JSON) runs beside SNS/SQS and the event source mappings on the main
 * thread instead of after them (docs/decisions/0002-embedded-dynamodb-in-a-worker-thread.md).
 * The thread serves HTTP on its own 127.0.0.1 port
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
  const { channel, port } = await openThread(worker)
  worker.on('error', (error) => console.error('[embedded DynamoDB] thread failed:', error))

  const ask = (request: ThreadRequest): Promise<ThreadResult> =>
    channel.request(request).catch((error: Error) => {
      if (error instanceof WorkerExitError)
        throw new Error(
          `the embedded DynamoDB thread has exited (${error.error?.message ?? error.code})`,
        )
      throw new Error(error.message, { cause: error })
    })

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
    sweepExpiredItems: async (now = new Date()) =>
      (await ask({ type: 'sweep', now: now.getTime() })) as number,
    setFaults: async (rules) => {
      await ask({ type: 'faults', rules })
    },
    faultReport: async () => (await ask({ type: 'fault-report' })) as FaultReport,
    close() {
      closed ??= (async () => {
        agent.destroy()
        if (channel.alive) {
          await ask({ type: 'close' }).catch(() => 0)
          await Promise.race([channel.exited, new Promise((resolve) => setTimeout(resolve, 5000))])
        }
        await channel.terminate()
      })()
      return closed
    },
  }
}

/** Waits for the thread's server to listen; rejects with why it could not. */
async function openThread(
  worker: Worker,
): Promise<{ channel: WorkerChannel<ThreadRequest, ThreadResult>; port: number }> {
  try {
    const { channel, ready } = await WorkerChannel.open<ThreadRequest, ThreadResult, number>(worker)
    return { channel, port: ready }
  } catch (error) {
    if (error instanceof WorkerInitError)
      throw new Error(`The embedded DynamoDB could not start: ${error.message}`, { cause: error })
    const exit = error as WorkerExitError
    throw (
      exit.error ??
      new Error(`The embedded DynamoDB thread exited with code ${exit.code} while starting`)
    )
  }
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    if (!hopByHop.has(name)) out[name] = value
  }
  return out
}
