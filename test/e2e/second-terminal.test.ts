import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConsumerStatus } from '../../cli/consumer-status.ts'
import { type RunningDev, runPipeline, startDev } from '../integration/cli/pipeline-cli.ts'

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

/** Polls `pipeline status` until every consumer processed one more record than `before`. */
async function everyConsumerProcessedOneMore(
  before: Record<string, number>,
): Promise<Record<string, number>> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const now = await processed()
    if (Object.keys(before).every((c) => now[c] === (before[c] ?? 0) + 1)) return now
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
    expect(Object.keys(before)).toEqual(['inventory', 'payments', 'notifications', 'projections'])
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
