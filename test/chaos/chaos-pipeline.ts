import { type ChildProcess, spawn } from 'node:child_process'
import { cliEnv, root, tsx } from '../integration/cli/pipeline-cli.ts'

/** One `pipeline dev` process on a fixed port and data directory, which can be killed and started again. */
export class ChaosPipeline {
  readonly #args: readonly string[]
  #child: ChildProcess | undefined
  #stderr = ''

  constructor(options: { port: number; dataDir: string; faults: string; logPath: string }) {
    this.#args = [
      'bin/pipeline.ts',
      'dev',
      '--port',
      String(options.port),
      '--data-dir',
      options.dataDir,
      '--rate',
      '0',
      '--faults',
      options.faults,
      '--logs',
      options.logPath,
    ]
  }

  /** Starts `pipeline dev` and resolves once it says it is ready. */
  start(timeoutMs = 180_000): Promise<void> {
    // Its own process group, so that a kill reaches tsx's node and nothing else.
    const child = spawn(tsx, this.#args, { cwd: root, env: cliEnv(), detached: true })
    this.#child = child
    this.#stderr = ''
    child.stdout?.resume()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill()
        reject(new Error(`pipeline dev was not ready in ${timeoutMs} ms:\n${this.#stderr}`))
      }, timeoutMs)
      child.stderr?.on('data', (chunk: Buffer) => {
        this.#stderr = (this.#stderr + chunk.toString()).slice(-20_000)
        if (/ready on http:\/\/127\.0\.0\.1:\d+/.test(this.#stderr)) {
          clearTimeout(timer)
          resolve()
        }
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(
          new Error(
            `pipeline dev exited (${code ?? signal}) before it was ready:\n${this.#stderr}`,
          ),
        )
      })
    })
  }

  /** kill -9 of the whole process (its group: tsx and the node it runs). */
  kill(): Promise<void> {
    return this.#signal('SIGKILL')
  }

  /** Ctrl-C: the pipeline stops its mappings and closes its stores. */
  stop(): Promise<void> {
    return this.#signal('SIGINT')
  }

  get stderr(): string {
    return this.#stderr
  }

  #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null)
      return Promise.resolve()
    return new Promise((resolve) => {
      child.once('exit', () => resolve())
      try {
        process.kill(-child.pid!, signal)
      } catch {
        resolve()
      }
    })
  }
}
