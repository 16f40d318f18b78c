import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads'
import type { FaultReport } from '../faults/fault-injector.ts'
import type { FaultRule } from '../faults/fault-rules.ts'
import { portTransport, serveOverHttp } from '../wire-service.ts'
import { WorkerChannel, WorkerExitError, WorkerInitError } from '../worker-channel.ts'
import { workerExecArgv } from '../worker-exec-argv.ts'
import type { DynamoDbLayer, DynamoDbLayerOptions } from './layer.ts'

/**
 * What the host asks the DynamoDB thread; `sweep`, `connect` and `close` are answered with a
 * number, `fault-report` with the report, `counts` with the request counts.
 */
export type ThreadRequest =
  | { readonly type: 'sweep'; readonly now: number }
  | { readonly type: 'faults'; readonly rules: readonly FaultRule[] }
  | { readonly type: 'fault-report' }
  /** Serve the layer on this port too (the other end goes to a function or a poller). */
  | { readonly type: 'connect'; readonly port: MessagePort }
  | { readonly type: 'counts' }
  | { readonly type: 'close' }

type ThreadResult = number | FaultReport | Record<string, number>

export interface ThreadedDynamoDbLayer extends DynamoDbLayer {
  /** The thread's own endpoint, `http://127.0.0.1:<port>`, for SDK clients that call DynamoDB and DynamoDB Streams directly. */
  readonly endpoint: string
}

const threadScript = new URL('./thread.ts', import.meta.url)

/**
 * The embedded DynamoDB (the same layer) run in a worker thread, so its work (validation,
 * expressions, LevelDB, JSON) runs beside SNS/SQS and the event source mappings on the main
 * thread instead of after them (docs/decisions/0002-embedded-dynamodb-in-a-worker-thread.md).
 * The thread serves HTTP on its own 127.0.0.1 port (`endpoint`) for external clients; this
 * thread reaches it over a MessagePort (`call`, and the shared endpoint's `handler` through
 * it), and `connect` gives each function's environment a port of its own, so a client of
 * any of them sees one DynamoDB.
 */
export async function startDynamoDbThread(
  options: DynamoDbLayerOptions = {},
): Promise<ThreadedDynamoDbLayer> {
  const worker = new Worker(threadScript, {
    workerData: { ...options },
    execArgv: workerExecArgv(),
  })
  const { channel, port } = await openThread(worker)
  worker.on('error', (error) => console.error('[embedded DynamoDB] thread failed:', error))

  const ask = (request: ThreadRequest, transfer?: MessagePort[]): Promise<ThreadResult> =>
    channel.request(request, transfer).catch((error: Error) => {
      if (error instanceof WorkerExitError)
        throw new Error(
          `the embedded DynamoDB thread has exited (${error.error?.message ?? error.code})`,
        )
      throw new Error(error.message, { cause: error })
    })

  const connect = async (): Promise<MessagePort> => {
    const { port1, port2 } = new MessageChannel()
    await ask({ type: 'connect', port: port1 }, [port1])
    return port2
  }
  const own = portTransport(await connect())
  const call = (request: Parameters<typeof own.send>[0]) => own.send(request)

  let closed: Promise<void> | undefined
  return {
    endpoint: `http://127.0.0.1:${port}`,
    call,
    handler: serveOverHttp(call),
    connect,
    requestCounts: async () => (await ask({ type: 'counts' })) as Record<string, number>,
    sweepExpiredItems: async (now = new Date()) =>
      (await ask({ type: 'sweep', now: now.getTime() })) as number,
    setFaults: async (rules) => {
      await ask({ type: 'faults', rules })
    },
    faultReport: async () => (await ask({ type: 'fault-report' })) as FaultReport,
    close() {
      closed ??= (async () => {
        own.close()
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
