import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConsumerStatus } from '../../cli/consumer-status.ts'
import { liveView, secondTerminalHints } from '../../cli/live-view.ts'
import { type RunningDev, runPipeline, startDev } from '../integration/cli/pipeline-cli.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

const awsCli = spawnSync('aws', ['--version'], { encoding: 'utf8' })
const awsSkip = awsCli.status === 0 ? undefined : 'the aws CLI is not on PATH (pip install awscli)'

let dev: RunningDev
let dir: string

beforeAll(async () => {
  dev = await startDev(['--rate', '0'])
  dir = mkdtempSync(join(tmpdir(), 'second-terminal-'))
}, 120_000)
afterAll(async () => {
  await dev?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function processed(): Promise<Record<string, number>> {
  const result = await runPipeline(['status', '--endpoint', dev.endpoint, '--json'])
  expect(result.code, result.stderr).toBe(0)
  const { consumers } = JSON.parse(result.stdout) as { consumers: ConsumerStatus[] }
  return Object.fromEntries(consumers.map((c) => [c.consumer, c.processed ?? 0]))
}

/**
 * Polls `pipeline status` until every consumer processed at least one more record than
 * `before`: an order is one record for some consumers and several for others (the orders
 * service hears the placement, the reservation and the authorization).
 */
async function everyConsumerProcessedOneMore(
  before: Record<string, number>,
): Promise<Record<string, number>> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const now = await processed()
    if (Object.keys(before).every((c) => (now[c] ?? 0) >= (before[c] ?? 0) + 1)) return now
    if (Date.now() > deadline)
      throw new Error(`not every consumer processed the order: ${JSON.stringify({ before, now })}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

function order(orderId: string) {
  return {
    orderId,
    customerId: 'customer-7',
    items: [{ sku: 'SKU-MUG', quantity: 2, unitPrice: 8.5 }],
    total: 17,
  }
}

describe('a second terminal against a running `pipeline dev`', () => {
  it('publishes with `pipeline publish` and sees it in `pipeline status`', async () => {
    const before = await processed()
    expect(Object.keys(before)).toEqual([
      'orders',
      'inventory',
      'payments',
      'notifications',
      'projections',
    ])
    const file = join(dir, 'order.json')
    writeFileSync(file, JSON.stringify(order('order-cli-1')))
    const result = await runPipeline([
      'publish',
      'order.placed',
      '--data',
      `@${file}`,
      '--endpoint',
      dev.endpoint,
      '--json',
    ])
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      eventType: 'order.placed',
      version: 1,
      eventId: expect.any(String),
    })
    await everyConsumerProcessedOneMore(before)
  }, 60_000)

  it.skipIf(awsSkip)(
    `accepts an order published with the real aws CLI (aws sns publish --message-attributes) ${awsSkip ? `(skipped: ${awsSkip})` : ''}`,
    async () => {
      const before = await processed()
      const stack = await fetch(`${dev.endpoint}/_pipeline/stack`).then(
        (r) => r.json() as Promise<{ outputs: Record<string, string> }>,
      )
      const event = {
        eventId: '3f6f1c1e-6a53-4c47-9d5e-1d2c3b4a5f60',
        eventType: 'order.placed',
        version: 1,
        timestamp: new Date().toISOString(),
        source: 'aws-cli',
        correlationId: '3f6f1c1e-6a53-4c47-9d5e-1d2c3b4a5f60',
        payload: order('order-aws-cli-1'),
      }
      writeFileSync(join(dir, 'event.json'), JSON.stringify(event))
      const attributes = JSON.stringify({
        eventType: { DataType: 'String', StringValue: 'order.placed' },
        version: { DataType: 'String', StringValue: '1' },
      })
      const published = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(
          'aws',
          [
            '--endpoint-url',
            dev.endpoint,
            '--region',
            'us-east-1',
            'sns',
            'publish',
            '--topic-arn',
            stack.outputs.EventTopicArn ?? '',
            '--message',
            `file://${join(dir, 'event.json')}`,
            '--message-attributes',
            attributes,
            '--output',
            'json',
          ],
          { env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } },
        )
        let out = ''
        child.stdout.on('data', (c: Buffer) => {
          out += c
        })
        child.stderr.on('data', (c: Buffer) => {
          out += c
        })
        child.on('close', (code) => resolve({ code, out }))
      })
      expect(published.code, published.out).toBe(0)
      expect(JSON.parse(published.out).MessageId).toEqual(expect.any(String))
      await everyConsumerProcessedOneMore(before)
    },
    60_000,
  )
})

/**
 * A new terminal as a user opens it: the system's PATH (no node_modules/.bin, so the
 * system Node, which may be older than the project's), no AWS settings, no npm variables.
 */
function freshTerminalEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('AWS_') || name.startsWith('npm_') || name === 'NODE_OPTIONS') continue
    env[name] = value
  }
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => !dir.includes('node_modules'))
    .join(':')
  return env
}

interface Pasted {
  readonly code: number | null
  readonly out: string
}

/** Runs one pasted line in bash at the repository root; `until` ends a command that runs on. */
function paste(command: string, until?: RegExp): Promise<Pasted> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a stop reaches npx's children as Ctrl-C in a terminal would.
    const child = spawn('bash', ['-c', command], {
      cwd: root,
      env: freshTerminalEnv(),
      detached: true,
    })
    const stop = (signal: NodeJS.Signals) => child.pid && process.kill(-child.pid, signal)
    let out = ''
    const timer = setTimeout(() => {
      stop('SIGKILL')
      reject(new Error(`\`${command}\` did not finish in 60 s:\n${out}`))
    }, 60_000)
    const collect = (chunk: Buffer) => {
      out += chunk
      if (until?.test(out) && child.exitCode === null) stop('SIGINT')
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code: until?.test(out) ? 0 : code, out })
    })
  })
}

describe('the hints `pipeline dev` prints for another terminal', () => {
  function printedHints(): string[] {
    const stderr = dev.stderr()
    const block = stderr.slice(stderr.indexOf('In another terminal, at the repository root:'))
    return block
      .split('\n')
      .slice(1)
      .filter((line) => line.startsWith('  '))
      .map((line) => line.trim())
  }

  it("are the ones the live view shows, with this run's endpoint and topic", async () => {
    const stack = await fetch(`${dev.endpoint}/_pipeline/stack`).then(
      (r) => r.json() as Promise<{ outputs: Record<string, string> }>,
    )
    const where = {
      endpoint: dev.endpoint,
      topicArn: stack.outputs.EventTopicArn ?? '',
      region: 'us-east-1',
    }
    const hints = printedHints()
    expect(hints).toEqual(secondTerminalHints(where))
    expect(hints).toHaveLength(3)
    const view = liveView({
      ...where,
      uptimeSeconds: 1,
      ratePerSecond: 0,
      ordersPublished: 0,
      eventsPublished: 0,
      delivered: 0,
      expected: 0,
      logPath: 'x.log',
      consumers: [],
    })
    for (const hint of hints) expect(view).toContain(`  ${hint}\n`)
  })

  it('`pipeline status` and `pipeline publish` work when pasted in a new terminal at the repository root', async () => {
    const [status, publish] = printedHints()
    expect(status).toMatch(/^npx pipeline status --watch/)
    const watched = await paste(status ?? '', /projections/)
    expect(watched.code, watched.out).toBe(0)
    expect(watched.out).toMatch(/consumer\s+visible/)

    const before = await processed()
    const published = await paste(publish ?? '')
    expect(published.code, published.out).toBe(0)
    await everyConsumerProcessedOneMore(before)
  }, 120_000)

  it.skipIf(awsSkip)(
    `\`aws sns publish\` works when pasted in a new terminal at the repository root ${awsSkip ? `(skipped: ${awsSkip})` : ''}`,
    async () => {
      const awsPublish = printedHints()[2] ?? ''
      expect(awsPublish).toMatch(
        /^AWS_ACCESS_KEY_ID=test .*aws .*sns publish .*file:\/\/examples\//,
      )
      const before = await processed()
      const published = await paste(awsPublish)
      expect(published.code, published.out).toBe(0)
      expect(published.out).toMatch(/MessageId/)
      await everyConsumerProcessedOneMore(before)
    },
    60_000,
  )
})
