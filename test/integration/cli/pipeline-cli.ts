import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The repository's root, where the CLI runs. */
export const root = fileURLToPath(new URL('../../../', import.meta.url))
/** tsx, which runs bin/pipeline.ts from source. */
export const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url))

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `pipeline <args>` (bin/pipeline.ts under tsx) as a user would, to completion. */
export function runPipeline(
  args: readonly string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const { child, result } = spawnPipeline(args, options.env)
  const timeoutMs = options.timeoutMs ?? 60_000
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`pipeline ${args.join(' ')} did not finish in ${timeoutMs} ms`))
    }, timeoutMs)
  })
  return Promise.race([result, timedOut]).finally(() => clearTimeout(timer))
}

/**
 * `pipeline <args>` started in the background, for a test to act while it runs; `env`
 * overrides {@link cliEnv} (an undefined value removes the variable).
 */
export function spawnPipeline(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): {
  readonly child: ChildProcess
  readonly result: Promise<CliResult>
} {
  const child = spawn(tsx, ['bin/pipeline.ts', ...args], {
    cwd: root,
    env: { ...cliEnv(), ...env },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk
  })
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
  return { child, result }
}

/** A long-running `pipeline dev`, as in a first terminal. */
export interface RunningDev {
  readonly endpoint: string
  readonly child: ChildProcess
  stderr(): string
  stop(): Promise<void>
}

/** Starts `pipeline dev --port 0 <args>` and waits until it says it is ready. */
export function startDev(args: readonly string[], timeoutMs = 90_000): Promise<RunningDev> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ['bin/pipeline.ts', 'dev', '--port', '0', ...args], {
      cwd: root,
      env: cliEnv(),
    })
    let stderr = ''
    child.stdout.resume()
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`pipeline dev was not ready in ${timeoutMs} ms:\n${stderr}`))
    }, timeoutMs)
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk
      const ready = /ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)
      if (ready?.[1]) {
        clearTimeout(timer)
        resolve({
          endpoint: ready[1],
          child,
          stderr: () => stderr,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done()
              child.once('exit', () => done())
              child.kill('SIGINT')
            }),
        })
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`pipeline dev exited with ${code} before it was ready:\n${stderr}`))
    })
  })
}

/** The environment of a CLI run: this one, without settings that would point it elsewhere. */
export function cliEnv(): NodeJS.ProcessEnv {
  const { AWS_ENDPOINT_URL: _endpoint, AWS_PROFILE: _profile, ...env } = process.env
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  }
}
