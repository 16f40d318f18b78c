import { randomUUID } from 'node:crypto'
import { basename, dirname } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { FunctionDefinition } from './function-definitions.ts'
import { type FunctionLog, forEachLine } from './function-log.ts'
import type {
  EnvironmentData,
  EnvironmentMessage,
  InvocationResult,
  InvokeMessage,
} from './invocation.ts'

export interface LocalFunctionOptions {
  readonly definition: FunctionDefinition
  /** The emulated AWS the function's SDK clients call (`AWS_ENDPOINT_URL`). */
  readonly endpoint: string
  /**
   * Where the function's SDK calls DynamoDB and DynamoDB Streams, if not at `endpoint`
   * (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_DYNAMODB_STREAMS`). @default - `endpoint`
   */
  readonly dynamoDbEndpoint?: string
  readonly region: string
  /** The most execution environments, i.e. concurrent invocations. @default 1 */
  readonly maxEnvironments?: number
  /** How long an environment may take to load its handler. @default 60 s (Lambda: 10 s; local cold starts on two cores share the CPU) */
  readonly initTimeoutMs?: number
  readonly log?: FunctionLog
}

/** Counters of one function since it started. */
export interface FunctionStats {
  readonly invocations: number
  readonly errors: number
  readonly timeouts: number
  readonly coldStarts: number
  readonly environments: number
}

const environmentScript = new URL('./execution-environment/worker.ts', import.meta.url)

/**
 * A Lambda function run locally from its TypeScript source. Each execution environment is
 * a worker thread with its own module instances and its own `process.env` (the function's
 * resolved environment plus what Lambda sets, and `AWS_ENDPOINT_URL`), and runs one
 * invocation at a time; environments are started on demand up to `maxEnvironments` and
 * reused while warm. A timed-out invocation fails with Lambda's message and its
 * environment is discarded (Lambda resets it), so nothing of it keeps running.
 */
export class LocalFunction {
  readonly definition: FunctionDefinition
  readonly #options: LocalFunctionOptions
  readonly #idle: Environment[] = []
  readonly #all = new Set<Environment>()
  readonly #waiting: ((environment: Environment) => void)[] = []
  #starting = 0
  #stopped = false
  #stats = { invocations: 0, errors: 0, timeouts: 0, coldStarts: 0 }

  constructor(options: LocalFunctionOptions) {
    this.definition = options.definition
    this.#options = options
  }

  get stats(): FunctionStats {
    return { ...this.#stats, environments: this.#all.size }
  }

  /** Invokes the function synchronously (RequestResponse) with `event`. */
  async invoke(event: unknown): Promise<InvocationResult> {
    if (this.#stopped) throw new Error(`${this.definition.functionName} is stopped`)
    const started = performance.now()
    let environment: Environment
    try {
      environment = await this.#acquire()
    } catch (error) {
      this.#stats.invocations++
      this.#stats.errors++
      const e = error as Error
      return {
        ok: false,
        requestId: '',
        errorType: e.name,
        errorMessage: e.message,
        durationMs: performance.now() - started,
      }
    }
    this.#stats.invocations++
    const result = await environment.invoke(event, this.definition)
    if (!result.ok) this.#stats.errors++
    if (!result.ok && result.errorType === 'Sandbox.Timedout') this.#stats.timeouts++
    if (environment.alive) this.#release(environment)
    else this.#all.delete(environment)
    return result
  }

  /**
   * Starts every execution environment the function may use ahead of the first invocation,
   * as provisioned concurrency does, so that a burst does not wait for (and, on a small
   * machine, starve on) many cold starts at once.
   */
  async warm(): Promise<void> {
    if (!this.definition.entry) return
    const missing = (this.#options.maxEnvironments ?? 1) - this.#all.size - this.#starting
    const started = await Promise.all(
      Array.from({ length: Math.max(0, missing) }, () => this.#start()),
    )
    for (const environment of started) this.#release(environment)
  }

  async stop(): Promise<void> {
    this.#stopped = true
    await Promise.all([...this.#all].map((environment) => environment.terminate()))
    this.#all.clear()
    this.#idle.length = 0
  }

  async #acquire(): Promise<Environment> {
    let idle = this.#idle.pop()
    // An environment whose runtime exited while idle (an error thrown outside any invocation) is gone.
    while (idle && !idle.alive) {
      this.#all.delete(idle)
      idle = this.#idle.pop()
    }
    if (idle) return idle
    if (this.#all.size + this.#starting < (this.#options.maxEnvironments ?? 1)) {
      return this.#start()
    }
    return new Promise((resolve) => this.#waiting.push(resolve))
  }

  async #start(): Promise<Environment> {
    this.#starting++
    try {
      const environment = await Environment.start(this.#options)
      this.#stats.coldStarts++
      this.#all.add(environment)
      return environment
    } finally {
      this.#starting--
    }
  }

  #release(environment: Environment): void {
    const next = this.#waiting.shift()
    if (next) next(environment)
    else this.#idle.push(environment)
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** The host side of one execution environment (a worker thread). */
class Environment {
  readonly #worker: Worker
  #alive = true
  #nextId = 1
  #pending:
    | {
        id: number
        started: number
        settle: (outcome: DistributiveOmit<InvocationResult, 'requestId'>) => void
      }
    | undefined
  #onExit: ((reason: string) => void) | undefined

  private constructor(worker: Worker) {
    this.#worker = worker
  }

  get alive(): boolean {
    return this.#alive
  }

  /** Starts a worker and waits for its init phase (loading the handler) to finish. */
  static start(options: LocalFunctionOptions): Promise<Environment> {
    const { definition } = options
    if (!definition.entry) {
      const error = new Error(
        `${definition.functionName} (${definition.logicalId}) has no Metadata.EventPipeline.entry naming its TypeScript source, so it cannot run locally`,
      )
      error.name = 'Runtime.ImportModuleError'
      return Promise.reject(error)
    }
    const workerData: EnvironmentData = {
      entry: definition.entry,
      handlerExport: definition.handlerExport,
    }
    const worker = new Worker(environmentScript, {
      workerData,
      env: lambdaEnvironment(options),
      stdout: true,
      stderr: true,
      // Not the parent's flags: under `npm start` they load tsx, which the environment does not need.
      execArgv: [],
    })
    const log = options.log
    if (log) {
      forEachLine(worker.stdout, (line) => log(definition.functionName, line))
      forEachLine(worker.stderr, (line) => log(definition.functionName, line))
    } else {
      worker.stdout.resume()
      worker.stderr.resume()
    }
    const environment = new Environment(worker)
    return new Promise((resolve, reject) => {
      const initTimeoutMs = options.initTimeoutMs ?? 60_000
      const timer = setTimeout(() => {
        fail('Runtime.InitTimeout', `the init phase took longer than ${initTimeoutMs} ms`)
        void worker.terminate()
      }, initTimeoutMs)
      const fail = (name: string, message: string) => {
        clearTimeout(timer)
        environment.#alive = false
        const error = new Error(message)
        error.name = name
        reject(error)
      }
      worker.once('message', (message: EnvironmentMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer)
          environment.#listen()
          resolve(environment)
        } else if (message.type === 'init-error') {
          fail(message.errorType, message.errorMessage)
          void worker.terminate()
        }
      })
      worker.once('error', (error) => fail('Runtime.ExitError', error.message))
      worker.once('exit', (code) =>
        fail('Runtime.ExitError', `the runtime exited with code ${code} during init`),
      )
    })
  }

  invoke(event: unknown, definition: FunctionDefinition): Promise<InvocationResult> {
    const id = this.#nextId++
    const started = performance.now()
    const timeoutMs = definition.timeoutSeconds * 1000
    const awsRequestId = randomUUID()
    return new Promise((resolve) => {
      const settle = (outcome: DistributiveOmit<InvocationResult, 'requestId'>) => {
        if (this.#pending?.id !== id) return
        clearTimeout(timer)
        this.#pending = undefined
        resolve({ ...outcome, requestId: awsRequestId } as InvocationResult)
      }
      const timer = setTimeout(() => {
        settle({
          ok: false,
          errorType: 'Sandbox.Timedout',
          errorMessage: `${awsRequestId} Task timed out after ${definition.timeoutSeconds.toFixed(2)} seconds`,
          durationMs: performance.now() - started,
        })
        void this.terminate()
      }, timeoutMs)
      this.#pending = { id, started, settle }
      this.#onExit = (reason) =>
        settle({
          ok: false,
          errorType: 'Runtime.ExitError',
          errorMessage: reason,
          durationMs: performance.now() - started,
        })
      const message: InvokeMessage = {
        type: 'invoke',
        id,
        event,
        context: {
          awsRequestId,
          deadlineMs: Date.now() + timeoutMs,
          functionName: definition.functionName,
          functionArn: definition.functionArn,
          memorySizeMb: definition.memorySizeMb,
          logStreamName: `local/[$LATEST]${this.#worker.threadId}`,
        },
      }
      try {
        this.#worker.postMessage(message)
      } catch (error) {
        // An event that cannot be cloned never reaches the function, like a request Lambda rejects.
        settle({
          ok: false,
          errorType: 'InvalidRequestContentException',
          errorMessage: (error as Error).message,
          durationMs: 0,
        })
      }
    })
  }

  terminate(): Promise<void> {
    this.#alive = false
    return this.#worker.terminate().then(() => undefined)
  }

  #listen(): void {
    this.#worker.on('message', (message: EnvironmentMessage) => {
      const pending = this.#pending
      if (!pending || !('id' in message) || message.id !== pending.id) return
      const durationMs = performance.now() - pending.started
      if (message.type === 'result')
        pending.settle({ ok: true, response: message.response, durationMs })
      else
        pending.settle({
          ok: false,
          errorType: message.errorType,
          errorMessage: message.errorMessage,
          durationMs,
        })
    })
    // An uncaught exception or unhandled rejection ends the runtime, as in Lambda.
    this.#worker.on('error', (error) => {
      this.#alive = false
      this.#onExit?.(`${error.name}: ${error.message}`)
    })
    this.#worker.on('exit', (code) => {
      this.#alive = false
      this.#onExit?.(`the runtime exited with code ${code}`)
    })
  }
}

/** The environment variables Lambda gives a function, with the emulator as its AWS endpoint. */
function lambdaEnvironment(options: LocalFunctionOptions): Record<string, string> {
  const { definition } = options
  const entry = definition.entry ?? ''
  return {
    ...definition.environment,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_ENDPOINT_URL: options.endpoint,
    ...(options.dynamoDbEndpoint && options.dynamoDbEndpoint !== options.endpoint
      ? {
          AWS_ENDPOINT_URL_DYNAMODB: options.dynamoDbEndpoint,
          AWS_ENDPOINT_URL_DYNAMODB_STREAMS: options.dynamoDbEndpoint,
        }
      : {}),
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_LAMBDA_FUNCTION_NAME: definition.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memorySizeMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${definition.functionName}`,
    AWS_EXECUTION_ENV: `AWS_Lambda_${definition.runtime}`,
    AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
    LAMBDA_TASK_ROOT: dirname(entry),
    _HANDLER: `${basename(entry).replace(/\.[cm]?[jt]s$/, '')}.${definition.handlerExport}`,
  }
}
