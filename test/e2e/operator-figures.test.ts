import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb'
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConsumerStatus } from '../../cli/consumer-status.ts'
import { IDEMPOTENCY_STATUS } from '../../contracts/idempotency-table.ts'
import { type PipelineResources, parseStackOutputs } from '../../contracts/outputs.ts'
import { createEvent, OrderPlacedV1 } from '../../functions/catalogue/index.ts'
import { emulatorClientConfig } from '../../local/client-config.ts'
import {
  cliEnv,
  type RunningDev,
  root,
  runPipeline,
  startDev,
  tsx,
} from '../integration/cli/pipeline-cli.ts'

// Issue 17, item 9: what an operator reads must add up. `pipeline status` counted duplicates
// and dead-lettered records as processed and their latency in p50/p99; the function log
// left out skipped duplicates, did not say which run of a retried event took effect, and
// lost its last lines to a kill -9.

interface LogEntry {
  readonly function: string
  readonly message?: string
  readonly service?: string
  readonly eventId?: string
}

/** The function log as `<function> <JSON line>` entries (other lines left out). */
function readLog(file: string): LogEntry[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line) => {
      const space = line.indexOf(' ')
      if (space < 0 || line[space + 1] !== '{') return []
      try {
        return [{ function: line.slice(0, space), ...JSON.parse(line.slice(space + 1)) }]
      } catch {
        return []
      }
    })
}

/** Each consumer's events whose idempotency record is COMPLETED, by consumer name. */
async function completedEvents(endpoint: string, table: string): Promise<Map<string, string[]>> {
  const dynamodb = new DynamoDBClient(emulatorClientConfig(endpoint))
  const completed = new Map<string, string[]>()
  try {
    for await (const page of paginateScan({ client: dynamodb }, { TableName: table })) {
      for (const item of page.Items ?? []) {
        if (item.status?.S !== IDEMPOTENCY_STATUS.completed) continue
        const [consumer = '', eventId = ''] = (item.id?.S ?? '').split('#')
        completed.set(consumer, [...(completed.get(consumer) ?? []), eventId])
      }
    }
  } finally {
    dynamodb.destroy()
  }
  return completed
}

async function status(endpoint: string): Promise<ConsumerStatus[]> {
  const result = await runPipeline(['status', '--endpoint', endpoint, '--json'])
  expect(result.code, result.stderr).toBe(0)
  return (JSON.parse(result.stdout) as { consumers: ConsumerStatus[] }).consumers
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function order(orderId: string) {
  return createEvent(
    OrderPlacedV1,
    {
      orderId,
      customerId: 'customer-figures',
      items: [{ sku: 'SKU-MUG', quantity: 1, unitPrice: 8.5 }],
      total: 8.5,
    },
    { source: 'test' },
  )
}

describe('what an operator reads adds up', { timeout: 420_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'operator-figures-'))
  const dataDir = join(dir, 'data')
  const logFile = join(dir, 'functions.log')
  let dev: RunningDev
  let resources: PipelineResources
  let sns: SNSClient

  beforeAll(async () => {
    dev = await startDev(['--rate', '0', '--data-dir', dataDir, '--logs', logFile])
    const stack = (await (await fetch(`${dev.endpoint}/_pipeline/stack`)).json()) as {
      outputs: Record<string, string>
    }
    resources = parseStackOutputs(stack.outputs)
    sns = new SNSClient(emulatorClientConfig(dev.endpoint))
  }, 120_000)
  let killed = false
  afterAll(async () => {
    sns?.destroy()
    if (!killed) await dev?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const publish = (message: object, eventType: string) =>
    sns.send(
      new PublishCommand({
        TopicArn: resources.eventTopicArn,
        Message: JSON.stringify(message),
        MessageAttributes: {
          eventType: { DataType: 'String', StringValue: eventType },
          version: { DataType: 'String', StringValue: '1' },
        },
      }),
    )

  it('status counts processed, duplicate and dead-lettered records apart, and the log says each once', async () => {
    const orders = Array.from({ length: 6 }, (_, i) => order(`order-figures-${i}`))
    // Three published twice at once: the copies meet in one batch, or in two.
    for (const event of orders) await publish(event, 'order.placed')
    for (const event of orders.slice(0, 3)) await publish(event, 'order.placed')
    // A poison placement (no items, no total), an hour old: every consumer of order.placed
    // dead-letters it at once, and its age must not reach p50/p99.
    await publish(
      {
        ...order('order-poison'),
        timestamp: new Date(Date.now() - 3_600_000).toISOString(),
        payload: { orderId: 'order-poison' },
      },
      'order.placed',
    )

    // Settled: nothing queued or in flight, and the poison dead-lettered, twice in a row.
    let settled: ConsumerStatus[] = []
    let quiet = 0
    const deadline = Date.now() + 300_000
    while (quiet < 2) {
      if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(settled)}`)
      await sleep(1_000)
      settled = await status(dev.endpoint)
      const projections = settled.find((c) => c.consumer === 'projections')
      const idle = settled.every((c) => c.visible + c.inFlight === 0)
      quiet = idle && (projections?.deadLettered ?? 0) >= 1 ? quiet + 1 : 0
    }

    const completed = await completedEvents(dev.endpoint, resources.idempotencyTableName)
    const log = readLog(logFile)
    for (const c of settled) {
      const lines = log.filter((entry) => entry.service === c.consumer)
      const done = completed.get(c.consumer) ?? []
      expect(c.processed, `${c.consumer} processed`).toBe(done.length)
      expect(
        lines
          .filter((l) => l.message === 'processed')
          .map((l) => l.eventId)
          .sort(),
      ).toEqual([...done].sort())
      expect(c.duplicates, `${c.consumer} duplicates`).toBeGreaterThanOrEqual(3)
      expect(
        lines.filter((l) => l.message?.startsWith('duplicate skipped')).length,
        `${c.consumer}: a log line per skipped duplicate`,
      ).toBe(c.duplicates)
      // Nothing was redriven: what the runtime dead-lettered is on the DLQ.
      expect(c.deadLetteredRecords, `${c.consumer} dead-lettered`).toBe(c.deadLettered)
      expect(c.deadLettered).toBeGreaterThanOrEqual(1)
      expect(c.latencyP50Ms).not.toBeNull()
      expect(c.latencyP99Ms!).toBeGreaterThanOrEqual(c.latencyP50Ms!)
    }
    // The read model dead-lettered the poison: its hour would be p99 if that record counted.
    const projections = settled.find((c) => c.consumer === 'projections')!
    expect(projections.latencyP99Ms!).toBeLessThan(60_000)
    const table = await runPipeline(['status', '--endpoint', dev.endpoint])
    expect(table.stdout).toMatch(/processed\s+duplicates\s+dead-lettered\s+p50\s+p99/)
  })

  it('keeps every line a function wrote before a kill -9', async () => {
    const before = (await status(dev.endpoint)).find((c) => c.consumer === 'projections')!
    for (let i = 0; i < 40; i++)
      await publish(order(`order-killed-${i}-${randomUUID()}`), 'order.placed')
    // Killed while the consumers are busy with them.
    const deadline = Date.now() + 120_000
    for (;;) {
      const now = (await status(dev.endpoint)).find((c) => c.consumer === 'projections')!
      if ((now.processed ?? 0) >= (before.processed ?? 0) + 10) break
      if (Date.now() > deadline) throw new Error('projections processed nothing of the burst')
      await sleep(200)
    }
    // tsx runs the CLI in a child process: the one that holds the data folder.
    const holder = Number(readFileSync(join(dataDir, 'pipeline.lock'), 'utf8'))
    process.kill(holder, 'SIGKILL')
    dev.child.kill('SIGKILL')
    killed = true
    if (dev.child.exitCode === null && dev.child.signalCode === null) {
      await new Promise((resolve) => dev.child.once('exit', resolve))
    }

    const embedded = await startEmbedded(dataDir)
    try {
      const completed = await completedEvents(embedded.endpoint, resources.idempotencyTableName)
      const log = readLog(logFile)
      const logged = new Set(log.map((entry) => `${entry.service}#${entry.eventId}`))
      let checked = 0
      for (const [consumer, eventIds] of completed) {
        // Each handler logs its decision before the runtime commits it with the record.
        const missing = eventIds.filter((id) => !logged.has(`${consumer}#${id}`))
        expect(missing, `${consumer}: completed events with no log line`).toEqual([])
        checked += eventIds.length
      }
      expect(checked).toBeGreaterThan(0)
    } finally {
      embedded.child.kill('SIGINT')
      await new Promise((resolve) => embedded.child.once('exit', resolve))
    }
  })
})

/** `pipeline embedded` on the folder, once it says where it listens. */
async function startEmbedded(dataDir: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(tsx, ['bin/pipeline.ts', 'embedded', '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: cliEnv(),
  })
  let output = ''
  const endpoint = await new Promise<string>((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk
      const listening = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (listening?.[1] && output.includes('Ctrl-C stops it.')) resolve(listening[1])
    }
    child.stdout.on('data', seen)
    child.stderr.on('data', seen)
    child.once('exit', (code) =>
      reject(new Error(`pipeline embedded exited with ${code}: ${output}`)),
    )
  })
  return { child, endpoint }
}
