import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { startEmbeddedAws } from '../../local/embedded-aws.ts'

/** A running AWS implementation that a conformance suite talks to through its endpoint. */
export interface RunningTarget {
  readonly endpoint: string
  stop(): Promise<void>
}

/**
 * An AWS implementation a conformance suite can run against. `skip` is the reason it
 * cannot run here (shown in the test name), or undefined when it can.
 */
export interface ConformanceTarget {
  readonly name: string
  readonly skip: string | undefined
  start(): Promise<RunningTarget>
}

export const embeddedTarget: ConformanceTarget = {
  name: 'embedded',
  skip: undefined,
  start: () => startEmbeddedAws({ port: 0 }),
}

const motoOnPath =
  spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).status === 0

/**
 * moto's server, a widely used AWS implementation, as a reference for differential
 * testing. Not a default: it is only on machines that installed it (pip install moto[server]).
 */
export const motoTarget: ConformanceTarget = {
  name: 'moto',
  // EVENT_PIPELINE_SKIP_MOTO holds why a run leaves moto out (vitest.mutate.config.ts sets it).
  skip:
    process.env.EVENT_PIPELINE_SKIP_MOTO ||
    (motoOnPath
      ? undefined
      : 'moto_server is not on PATH (pip install "moto[server]" to run the differential suite)'),
  start: startMoto,
}

/** Every implementation a conformance suite should agree across. */
export const conformanceTargets: readonly ConformanceTarget[] = [embeddedTarget, motoTarget]

async function startMoto(): Promise<RunningTarget> {
  const port = await freePort()
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  const endpoint = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`)
    try {
      const res = await fetch(`${endpoint}/moto-api/`)
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${stderr}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
