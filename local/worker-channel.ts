/**
 * Request/reply with a worker thread, both sides: what the DynamoDB thread and every Lambda
 * execution environment speak with their host. The worker starts (its init phase), says it
 * is `ready` or why it could not start, then answers each request, by id, with a result or
 * an error. The host side turns the worker's failures, and its exit, into typed errors that
 * each host names in its own terms.
 */
import { parentPort, type TransferListItem, type Worker } from 'node:worker_threads'

/** An error as it crosses the thread boundary (structured clone keeps no class). */
interface ErrorFields {
  readonly name: string
  readonly message: string
  readonly stack?: string
}

/** What a host sends its worker. */
interface WorkerRequest<Request> {
  readonly id: number
  readonly request: Request
}

/** What a worker sends its host. */
export type WorkerMessage<Ready, Result> =
  | { readonly type: 'ready'; readonly ready: Ready }
  | { readonly type: 'init-error'; readonly error: ErrorFields }
  | { readonly type: 'result'; readonly id: number; readonly result: Result }
  | { readonly type: 'error'; readonly id: number; readonly error: ErrorFields }

/** What the worker threw, carried across the boundary as `remote`. */
abstract class WorkerThrew extends Error {
  readonly remote: ErrorFields
  constructor(remote: ErrorFields) {
    super(remote.message)
    this.remote = remote
  }
}

/** The worker's init phase threw. */
export class WorkerInitError extends WorkerThrew {
  override name = 'WorkerInitError'
}

/** The worker did not say it was ready within `timeoutMs`; it has been terminated. */
export class WorkerInitTimeoutError extends Error {
  override name = 'WorkerInitTimeoutError'
  readonly timeoutMs: number
  constructor(timeoutMs: number) {
    super(`the worker did not start within ${timeoutMs} ms`)
    this.timeoutMs = timeoutMs
  }
}

/** The worker answered a request with what its handler threw. */
export class WorkerRequestError extends WorkerThrew {
  override name = 'WorkerRequestError'
}

/** A request could not be sent (its payload cannot be cloned); the worker never saw it. */
export class WorkerSendError extends Error {
  override name = 'WorkerSendError'
}

/**
 * The worker is gone: it exited (`code`) or failed with an uncaught error (`error`), before
 * answering. Every request still pending, and every later one, fails with it.
 */
export class WorkerExitError extends Error {
  override name = 'WorkerExitError'
  readonly code: number | undefined
  readonly error: Error | undefined
  constructor(gone: { code: number } | { error: Error }) {
    const error = 'error' in gone ? gone.error : undefined
    super(error ? `the worker failed: ${error.message}` : `the worker exited`, { cause: error })
    this.code = 'code' in gone ? gone.code : undefined
    this.error = error
  }
}

interface Deferred<T> {
  resolve(value: T): void
  reject(error: Error): void
}

export interface OpenOptions {
  /** How long the worker may take to say it is ready. @default - no limit */
  readonly initTimeoutMs?: number
}

/** The host side of a worker: its requests in flight, and whether it is still there. */
export class WorkerChannel<Request, Result> {
  readonly #worker: Worker
  readonly #pending = new Map<number, Deferred<Result>>()
  readonly #exited: Promise<void>
  #starting: Deferred<unknown> | undefined
  #gone: WorkerExitError | undefined
  #terminated = false
  #nextId = 1

  private constructor(worker: Worker) {
    this.#worker = worker
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()))
    worker.on('message', (message: WorkerMessage<unknown, Result>) => this.#receive(message))
    worker.on('error', (error) => this.#lost(new WorkerExitError({ error })))
    worker.on('exit', (code) => this.#lost(new WorkerExitError({ code })))
  }

  /**
   * Waits for `worker` to say it is ready and resolves to its channel and what it said.
   * Rejects with `WorkerInitError`, `WorkerInitTimeoutError` or `WorkerExitError`, and then
   * the worker is terminated.
   */
  static async open<Request, Result, Ready = undefined>(
    worker: Worker,
    options: OpenOptions = {},
  ): Promise<{ channel: WorkerChannel<Request, Result>; ready: Ready }> {
    const channel = new WorkerChannel<Request, Result>(worker)
    let timer: NodeJS.Timeout | undefined
    try {
      const ready = await new Promise<unknown>((resolve, reject) => {
        channel.#starting = { resolve, reject }
        const { initTimeoutMs } = options
        if (initTimeoutMs !== undefined)
          timer = setTimeout(() => reject(new WorkerInitTimeoutError(initTimeoutMs)), initTimeoutMs)
      })
      return { channel, ready: ready as Ready }
    } catch (error) {
      void channel.terminate()
      throw error
    } finally {
      clearTimeout(timer)
      channel.#starting = undefined
    }
  }

  /** False once the worker has exited or failed, or `terminate` was called. */
  get alive(): boolean {
    return !this.#gone && !this.#terminated
  }

  get threadId(): number {
    return this.#worker.threadId
  }

  /** Resolves when the worker's thread has ended. */
  get exited(): Promise<void> {
    return this.#exited
  }

  /**
   * Sends `request` (moving what `transfer` lists, such as a MessagePort); resolves to the worker's result, or rejects with `WorkerRequestError`
   * (the worker threw), `WorkerExitError` (it is gone) or `WorkerSendError`.
   */
  request(request: Request, transfer?: readonly TransferListItem[]): Promise<Result> {
    if (this.#gone) return Promise.reject(this.#gone)
    const id = this.#nextId++
    return new Promise<Result>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      try {
        this.#worker.postMessage(
          { id, request } satisfies WorkerRequest<Request>,
          transfer as TransferListItem[] | undefined,
        )
      } catch (error) {
        this.#pending.delete(id)
        reject(new WorkerSendError((error as Error).message, { cause: error }))
      }
    })
  }

  terminate(): Promise<void> {
    this.#terminated = true
    return this.#worker.terminate().then(() => undefined)
  }

  #receive(message: WorkerMessage<unknown, Result>): void {
    if (message.type === 'ready') this.#starting?.resolve(message.ready)
    else if (message.type === 'init-error')
      this.#starting?.reject(new WorkerInitError(message.error))
    else {
      const pending = this.#pending.get(message.id)
      this.#pending.delete(message.id)
      if (message.type === 'result') pending?.resolve(message.result)
      else pending?.reject(new WorkerRequestError(message.error))
    }
  }

  /** The first of `error` and `exit` says why the worker is gone. */
  #lost(gone: WorkerExitError): void {
    this.#gone ??= gone
    this.#starting?.reject(this.#gone)
    for (const pending of this.#pending.values()) pending.reject(this.#gone)
    this.#pending.clear()
  }
}

/** What a worker's init phase gives `serveRequests`. */
export interface WorkerService<Request, Result, Ready> {
  /** What the host's `WorkerChannel.open` resolves to, besides the channel. */
  readonly ready: Ready
  handle(request: Request): Promise<Result>
  /** The request after whose reply the worker closes its port and so lets its thread end. */
  readonly isLast?: (request: Request) => boolean
}

/**
 * The worker side: runs `init` (a throw is sent as `init-error`), says `ready`, then
 * answers every request with `handle`'s result or what it threw. `script` names the
 * worker in the error thrown when it is not run as one.
 */
export async function serveRequests<Request, Result, Ready = undefined>(
  script: string,
  init: () => Promise<WorkerService<Request, Result, Ready>>,
): Promise<void> {
  const port = parentPort
  if (!port) throw new Error(`${script} runs in a worker thread, not on its own`)
  const post = (message: WorkerMessage<Ready, Result>) => port.postMessage(message)
  let service: WorkerService<Request, Result, Ready>
  try {
    service = await init()
  } catch (error) {
    post({ type: 'init-error', error: errorFields(error) })
    return
  }
  port.on('message', async ({ id, request }: WorkerRequest<Request>) => {
    try {
      post({ type: 'result', id, result: await service.handle(request) })
    } catch (error) {
      post({ type: 'error', id, error: errorFields(error) })
    }
    if (service.isLast?.(request)) port.close()
  })
  post({ type: 'ready', ready: service.ready })
}

function errorFields(error: unknown): ErrorFields {
  const e = error instanceof Error ? error : new Error(String(error))
  return { name: e.name, message: e.message, stack: e.stack }
}
