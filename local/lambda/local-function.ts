import {
  ExecutionEnvironment,
  type ExecutionEnvironmentOptions,
} from './execution-environment/host.ts'
import type { FunctionDefinition } from './function-definitions.ts'
import type { InvocationResult } from './invocation.ts'

export interface LocalFunctionOptions extends ExecutionEnvironmentOptions {
  /** The most execution environments, i.e. concurrent invocations. @default 1 */
  readonly maxEnvironments?: number
}

/** Counters of one function since it started. */
export interface FunctionStats {
  readonly invocations: number
  readonly errors: number
  readonly timeouts: number
  readonly coldStarts: number
  readonly environments: number
}

/**
 * A Lambda function run locally from its TypeScript source, in execution environments
 * (`execution-environment/host.ts`, a worker thread each) that run one invocation at a
 * time; environments are started on demand up to `maxEnvironments` and reused while warm.
 * One that timed out or whose runtime exited is discarded, as Lambda resets it.
 */
export class LocalFunction {
  readonly definition: FunctionDefinition
  readonly #options: LocalFunctionOptions
  readonly #idle: ExecutionEnvironment[] = []
  readonly #all = new Set<ExecutionEnvironment>()
  readonly #waiting: ((environment: ExecutionEnvironment) => void)[] = []
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
    let environment: ExecutionEnvironment
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
        metrics: {},
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

  async #acquire(): Promise<ExecutionEnvironment> {
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

  async #start(): Promise<ExecutionEnvironment> {
    this.#starting++
    try {
      const environment = await ExecutionEnvironment.start(this.#options)
      this.#stats.coldStarts++
      this.#all.add(environment)
      return environment
    } finally {
      this.#starting--
    }
  }

  #release(environment: ExecutionEnvironment): void {
    const next = this.#waiting.shift()
    if (next) next(environment)
    else this.#idle.push(environment)
  }
}
