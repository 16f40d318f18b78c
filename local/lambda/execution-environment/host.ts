/**
 * The host side of one Lambda execution environment: starts its worker thread (`worker.ts`,
 * the other side), waits for the init phase, and sends it one invocation at a time, with
 * Lambda's timeout and Lambda's names for what went wrong.
 */
import { randomUUID } from 'node:crypto'
import { basename, dirname } from 'node:path'
import { Worker } from 'node:worker_threads'
import { localDefaults } from '../../defaults.ts'
import type { TransportPorts } from '../../wire-service.ts'
import {
  WorkerChannel,
  WorkerExitError,
  WorkerInitError,
  WorkerInitTimeoutError,
  WorkerRequestError,
  WorkerSendError,
} from '../../worker-channel.ts'
import { workerExecArgv } from '../../worker-exec-argv.ts'
import type { FunctionDefinition } from '../function-definitions.ts'
import { type FunctionLog, linePrefix } from '../function-log.ts'
import type {
  EnvironmentAnswer,
  EnvironmentData,
  InvocationResult,
  InvokeRequest,
} from '../invocation.ts'

export interface ExecutionEnvironmentOptions {
  readonly definition: FunctionDefinition
  /** The emulated AWS the function's SDK clients call (`AWS_ENDPOINT_URL`). */
  readonly endpoint: string
  /**
   * Where the function's SDK calls DynamoDB and DynamoDB Streams, if not at `endpoint`
   * (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_DYNAMODB_STREAMS`). @default - `endpoint`
   */
  readonly dynamoDbEndpoint?: string
  readonly region: string
  /**
   * Ports to the embedded AWS for the environment's in-process transport: its SDK clients then
   * send unsigned requests over them instead of HTTP. @default - HTTP to `endpoint`
   */
  readonly transportPorts?: () => Promise<TransportPorts>
  /** How long the environment may take to load its handler, in ms. @default 60000 (`localDefaults.initTimeoutMs`) */
  readonly initTimeoutMs?: number
  /** Where the function's output goes; each environment writes it there itself. @default - nowhere */
  readonly log?: FunctionLog
  /**
   * Variables set on top of the function's own, as a deployment would add them (the local
   * pipeline's OTEL_TRACES_EXPORTER). @default - none
   */
  readonly extraEnvironment?: Readonly<Record<string, string>>
}

const workerScript = new URL('./worker.ts', import.meta.url)

type Failure = Omit<Extract<InvocationResult, { ok: false }>, 'requestId'>
type Outcome = Omit<Extract<InvocationResult, { ok: true }>, 'requestId'> | Failure

/**
 * One execution environment: a worker thread with its own module instances and its own
 * `process.env` (the function's resolved environment plus what Lambda sets, and
 * `AWS_ENDPOINT_URL`). A timed-out invocation fails with Lambda's message and the
 * environment is terminated (Lambda resets it), so nothing of it keeps running.
 */
export class ExecutionEnvironment {
  readonly #channel: WorkerChannel<InvokeRequest, EnvironmentAnswer>

  private constructor(channel: WorkerChannel<InvokeRequest, EnvironmentAnswer>) {
    this.#channel = channel
  }

  /** False once the runtime has exited (an uncaught error ends it, as in Lambda) or was terminated. */
  get alive(): boolean {
    return this.#channel.alive
  }

  /** Starts a worker and waits for its init phase (loading the handler) to finish. */
  static async start(options: ExecutionEnvironmentOptions): Promise<ExecutionEnvironment> {
    const { definition } = options
    if (!definition.entry) {
      throw lambdaError(
        'Runtime.ImportModuleError',
        `${definition.functionName} (${definition.logicalId}) has no Metadata.EventPipeline.entry naming its TypeScript source, so it cannot run locally`,
      )
    }
    const ports = await options.transportPorts?.()
    const workerData: EnvironmentData = {
      entry: definition.entry,
      handlerExport: definition.handlerExport,
      transportPorts: ports,
      ...(options.log
        ? { log: { fd: options.log.fd, prefix: linePrefix(options.log, definition.functionName) } }
        : {}),
    }
    const worker = new Worker(workerScript, {
      workerData,
      transferList: ports ? [ports.dynamodb, ports.snsSqs] : [],
      env: lambdaEnvironment(options),
      stdout: true,
      stderr: true,
      execArgv: workerExecArgv(),
    })
    // The environment writes its output to the log itself (worker.ts); what might still
    // reach these streams, written before it took them over, is dropped.
    worker.stdout.resume()
    worker.stderr.resume()
    const initTimeoutMs = options.initTimeoutMs ?? localDefaults.initTimeoutMs
    try {
      const { channel } = await WorkerChannel.open<InvokeRequest, EnvironmentAnswer>(worker, {
        initTimeoutMs,
      })
      return new ExecutionEnvironment(channel)
    } catch (error) {
      if (error instanceof WorkerInitError)
        throw lambdaError(error.remote.name, error.remote.message)
      if (error instanceof WorkerInitTimeoutError)
        throw lambdaError(
          'Runtime.InitTimeout',
          `the init phase took longer than ${initTimeoutMs} ms`,
        )
      const exit = error as WorkerExitError
      throw lambdaError(
        'Runtime.ExitError',
        exit.error?.message ?? `the runtime exited with code ${exit.code} during init`,
      )
    }
  }

  /** Invokes the handler with `event`; never rejects: a failure is an `ok: false` result. */
  async invoke(event: unknown, definition: FunctionDefinition): Promise<InvocationResult> {
    const started = performance.now()
    const timeoutMs = definition.timeoutSeconds * 1000
    const awsRequestId = randomUUID()
    const request: InvokeRequest = {
      event,
      context: {
        awsRequestId,
        deadlineMs: Date.now() + timeoutMs,
        functionName: definition.functionName,
        functionArn: definition.functionArn,
        memorySizeMb: definition.memorySizeMb,
        logStreamName: `local/[$LATEST]${this.#channel.threadId}`,
      },
    }
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => {
        void this.#channel.terminate()
        resolve({
          ok: false,
          errorType: 'Sandbox.Timedout',
          errorMessage: `${awsRequestId} Task timed out after ${definition.timeoutSeconds.toFixed(2)} seconds`,
          durationMs: performance.now() - started,
          metrics: {},
        })
      }, timeoutMs)
    })
    const answered = this.#channel.request(request).then(
      (answer): Outcome => ({ ...answer, durationMs: performance.now() - started }),
      (error: Error): Outcome => ({
        ok: false,
        ...failure(error),
        durationMs: error instanceof WorkerSendError ? 0 : performance.now() - started,
        metrics: {},
      }),
    )
    const outcome = await Promise.race([answered, timedOut])
    clearTimeout(timer)
    return { ...outcome, requestId: awsRequestId } as InvocationResult
  }

  terminate(): Promise<void> {
    return this.#channel.terminate()
  }
}

/** Lambda's error type and message for an invocation that failed. */
function failure(error: Error): Pick<Failure, 'errorType' | 'errorMessage'> {
  if (error instanceof WorkerRequestError)
    return { errorType: error.remote.name, errorMessage: error.remote.message }
  if (error instanceof WorkerExitError)
    return {
      errorType: 'Runtime.ExitError',
      errorMessage: error.error
        ? `${error.error.name}: ${error.error.message}`
        : `the runtime exited with code ${error.code}`,
    }
  // An event that cannot be cloned never reaches the function, like a request Lambda rejects.
  return { errorType: 'InvalidRequestContentException', errorMessage: error.message }
}

function lambdaError(name: string, message: string): Error {
  const error = new Error(message)
  error.name = name
  return error
}

/** The environment variables Lambda gives a function, with the emulator as its AWS endpoint. */
export function lambdaEnvironment(
  options: Pick<
    ExecutionEnvironmentOptions,
    'definition' | 'endpoint' | 'dynamoDbEndpoint' | 'region' | 'extraEnvironment'
  >,
): Record<string, string> {
  const { definition } = options
  const entry = definition.entry ?? ''
  return {
    ...definition.environment,
    ...options.extraEnvironment,
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
