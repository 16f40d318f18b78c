import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import type { SQSRecord } from 'aws-lambda'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { eventually, type RunningFixture, runFixture } from './fixtures/run-fixture.ts'
import type { FixtureOptions } from './fixtures/template.ts'

const embedded = useEmbeddedAws()
let sqs: SQSClient
let fixture: RunningFixture | undefined

beforeAll(() => {
  sqs = new SQSClient(emulatorClientConfig(embedded.endpoint))
})
afterAll(() => sqs.destroy())
afterEach(async () => {
  await fixture?.stop()
  fixture = undefined
})

async function start(options: FixtureOptions): Promise<RunningFixture> {
  fixture = await runFixture(embedded.endpoint, options)
  return fixture
}

async function send(queueUrl: string, bodies: string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body })),
      }),
    )
  }
}

async function depth(queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  )
  return (
    Number(Attributes.ApproximateNumberOfMessages) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  )
}

async function drain(queueUrl: string, count: number): Promise<string[]> {
  const bodies: string[] = []
  await eventually(`${count} messages on ${queueUrl}`, async () => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
      }),
    )
    bodies.push(...Messages.map((m) => m.Body ?? ''))
    return bodies.length >= count
  })
  return bodies.sort()
}

/** How many times the function was given each message body. */
function deliveries(f: RunningFixture): Map<string, number> {
  const counts = new Map<string, number>()
  for (const entry of f.journal().filter((e) => e.env.FIXTURE_NAME === 'worker')) {
    for (const id of entry.ids) counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}

describe('SQS event source mapping', () => {
  it('deletes the records that succeeded and leaves the reported failures, which SQS dead-letters after maxReceiveCount', async () => {
    const f = await start({ batchingWindow: 1, maxReceiveCount: 2 })
    const { QueueUrl, DeadLettersUrl } = f.outputs
    await send(QueueUrl, ['ok#1', 'fail#2', 'ok#3'])

    expect(await drain(DeadLettersUrl, 1)).toEqual(['fail#2'])
    const first = f.outcomes[0]
    expect(first?.records).toHaveLength(3)
    expect(first?.succeeded.size).toBe(2)
    expect(deliveries(f)).toEqual(
      new Map([
        ['ok#1', 1],
        ['fail#2', 2],
        ['ok#3', 1],
      ]),
    )
    expect(await depth(QueueUrl)).toBe(0)
  })

  it('returns the whole batch when the function throws', async () => {
    const f = await start({ batchingWindow: 1, maxReceiveCount: 2 })
    const { QueueUrl, DeadLettersUrl } = f.outputs
    await send(QueueUrl, ['throw#1', 'ok#2'])

    expect(await drain(DeadLettersUrl, 2)).toEqual(['ok#2', 'throw#1'])
    expect(deliveries(f)).toEqual(
      new Map([
        ['throw#1', 2],
        ['ok#2', 2],
      ]),
    )
    expect(f.outcomes[0]?.error).toEqual({
      errorType: 'Error',
      errorMessage: 'the record asked to throw',
    })
  })

  it('fails the whole batch when batchItemFailures names a message that is not in it', async () => {
    const f = await start({ batchingWindow: 1, maxReceiveCount: 2 })
    const { QueueUrl, DeadLettersUrl } = f.outputs
    await send(QueueUrl, ['bogus#1', 'ok#2'])

    expect(await drain(DeadLettersUrl, 2)).toEqual(['bogus#1', 'ok#2'])
    expect(deliveries(f).get('ok#2')).toBe(2)
  })

  it('takes a function that returns [] as having processed the whole batch', async () => {
    const f = await start({ batchingWindow: 1, maxReceiveCount: 2 })
    const { QueueUrl } = f.outputs
    await send(QueueUrl, ['empty#1', 'ok#2'])

    await eventually('the batch to settle', () => f.outcomes.length === 1)
    expect(f.outcomes[0]?.succeeded.size).toBe(2)
    await eventually('the queue to empty', async () => (await depth(QueueUrl)) === 0)
    expect(deliveries(f)).toEqual(
      new Map([
        ['empty#1', 1],
        ['ok#2', 1],
      ]),
    )
  })

  it('ignores batchItemFailures and deletes the whole batch without ReportBatchItemFailures', async () => {
    const f = await start({ reportBatchItemFailures: false })
    const { QueueUrl } = f.outputs
    await send(QueueUrl, ['fail#1'])

    await eventually('the batch to settle', () => f.outcomes.length === 1)
    await new Promise((resolve) => setTimeout(resolve, 1500)) // longer than the visibility timeout
    expect(deliveries(f)).toEqual(new Map([['fail#1', 1]]))
    expect(await depth(QueueUrl)).toBe(0)
  })

  it('aborts an invocation at the function timeout, resets its environment, and redelivers the batch', async () => {
    const f = await start({ timeout: 1, maxReceiveCount: 2 })
    const { QueueUrl, DeadLettersUrl } = f.outputs
    await send(QueueUrl, ['sleep:5000#1'])

    expect(await drain(DeadLettersUrl, 1)).toEqual(['sleep:5000#1'])
    const timedOut = await eventually('both receives to time out', () => {
      const found = f.outcomes.filter((o) => o.error?.errorType === 'Sandbox.Timedout')
      return found.length === 2 && found
    })
    expect(timedOut[0]?.error?.errorMessage).toMatch(/Task timed out after 1\.00 seconds$/)
    expect(timedOut[0]?.durationMs).toBeLessThan(2000)
    for (const entry of f.journal()) expect(entry.remainingMs).toBeLessThanOrEqual(1000)

    const worker = [...f.running.functions.values()].find(
      (fn) => fn.definition.logicalId === 'Worker',
    )
    expect(worker?.stats.timeouts).toBe(2)
    await send(QueueUrl, ['ok#2'])
    await eventually(
      'the next message on a fresh environment',
      () => deliveries(f).get('ok#2') === 1,
    )
    expect(worker?.stats.coldStarts).toBe(3)
  })

  it('never runs more batches at once than ScalingConfig.MaximumConcurrency, one per environment', async () => {
    const f = await start({ batchSize: 1, maximumConcurrency: 2 })
    const { QueueUrl } = f.outputs
    await send(
      QueueUrl,
      Array.from({ length: 8 }, (_, i) => `sleep:300#${i}`),
    )

    await eventually(
      '8 batches',
      () => f.outcomes.filter((o) => o.succeeded.size === 1).length === 8,
    )
    expect(f.outcomes.every((o) => o.error === undefined)).toBe(true)
    const intervals = f.outcomes.map((o) => [o.settledAt - o.durationMs, o.settledAt] as const)
    const overlap = Math.max(
      ...intervals.map(([start]) => intervals.filter(([s, e]) => s <= start && start < e).length),
    )
    expect(overlap).toBe(2)
  })

  it('invokes a batch as soon as it is full, and a partial one when its batching window closes', async () => {
    // A visibility timeout longer than the window, or the window's records come back into it.
    const f = await start({ batchSize: 4, batchingWindow: 3, visibilityTimeout: 10 })
    const { QueueUrl } = f.outputs
    const bodies = (o: (typeof f.outcomes)[number]) => (o.records as SQSRecord[]).map((r) => r.body)
    const batchWith = (body: string) =>
      eventually(`the batch with ${body}`, () => f.outcomes.find((o) => bodies(o).includes(body)))
    const waited = (o: (typeof f.outcomes)[number]) =>
      o.invokedAt - Number((o.records[0] as SQSRecord).attributes.ApproximateFirstReceiveTimestamp)

    await send(QueueUrl, ['ok#1', 'ok#2', 'ok#3', 'ok#4'])
    const full = await batchWith('ok#1')
    expect(bodies(full)).toEqual(['ok#1', 'ok#2', 'ok#3', 'ok#4'])
    // Full: invoked at once, well before the 3 s window would close.
    expect(waited(full)).toBeLessThan(2000)

    await send(QueueUrl, ['ok#5', 'ok#6'])
    const partial = await batchWith('ok#5')
    expect(bodies(partial)).toEqual(['ok#5', 'ok#6'])
    expect(waited(partial)).toBeGreaterThanOrEqual(2900)
    // The receive still waiting when the window closed is carried into the next batch.
    await send(QueueUrl, ['ok#7'])
    await eventually('the next message', () => deliveries(f).get('ok#7') === 1)
    expect(f.errors).toEqual([])
  })

  it('invokes without a batching window with what one receive returns, at once', async () => {
    const f = await start({ batchSize: 10 })
    await send(f.outputs.QueueUrl, ['ok#1', 'ok#2'])
    const batch = await eventually('a batch', () => f.outcomes[0])
    expect(batch.records).toHaveLength(2)
    const [first] = batch.records as SQSRecord[]
    const received = Number(first?.attributes.ApproximateFirstReceiveTimestamp)
    expect(batch.invokedAt - received).toBeLessThan(1000)
  })

  it('gives each function its own environment variables, the emulator endpoint, and a Lambda context', async () => {
    const f = await start({})
    const { QueueUrl } = f.outputs
    await send(QueueUrl, ['ok#1'])

    const [entry] = await eventually('an invocation', () => f.journal().length > 0 && f.journal())
    const worker = f.stack.resources.find((r) => r.logicalId === 'Worker')
    expect(entry).toMatchObject({
      functionName: worker?.physicalId,
      env: { FIXTURE_NAME: 'worker', AWS_ENDPOINT_URL: embedded.endpoint },
    })
    expect(entry?.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(entry?.remainingMs).toBeGreaterThan(1000)
    expect(entry?.remainingMs).toBeLessThanOrEqual(2000)
    const definition = f.running.functions.get(worker?.physicalId ?? '')?.definition
    expect(definition?.environment).toMatchObject({
      QUEUE_URL: QueueUrl,
      LABEL: `${f.stack.environment.stackName}-${QueueUrl.split('/').pop()}`,
    })
  })

  it('deletes messages its filter criteria reject without invoking the function', async () => {
    const f = await start({ sqsFilter: { body: { kind: ['keep'] } } })
    const { QueueUrl } = f.outputs
    await send(QueueUrl, ['{"kind":"drop"}', '{"kind":"keep"}', 'not json'])

    await eventually('the queue to empty', async () => (await depth(QueueUrl)) === 0)
    expect([...deliveries(f).keys()]).toEqual(['{"kind":"keep"}'])
  })
})
