import { GetItemCommand } from '@aws-sdk/client-dynamodb'
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DlqCount, RedriveSummary } from '../../../cli/dlq.ts'
import type { DeadLetter } from '../../../cli/dlq-messages.ts'
import { consumerOutputKey } from '../../../contracts/outputs.ts'
import { orderPlaced } from '../runtime/events.ts'
import { type SmallPipeline, startSmallPipeline } from './dlq-pipeline.ts'
import { type CliResult, runPipeline } from './pipeline-cli.ts'

let pipeline: SmallPipeline
const poison = orderPlaced('o-poison')

beforeAll(async () => {
  pipeline = await startSmallPipeline()
  pipeline.behaviour.ledger = 'fail'
  await pipeline.publish(poison)
  const ledger = await pipeline.poll('ledger')
  expect(ledger.messages).toHaveLength(1)
  await pipeline.poll('mailer')
})
afterAll(async () => {
  await pipeline?.stop()
})

const dlq = (...args: string[]) => runPipeline(['dlq', ...args, '--endpoint', pipeline.endpoint])

/** Messages on a queue: visible ones and in-flight ones. */
async function depth(queueUrl: string) {
  const { Attributes = {} } = await pipeline.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  )
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
  }
}

function ledger() {
  const consumer = pipeline.resources.consumers.find((c) => c.name === 'ledger')
  if (!consumer) throw new Error('no ledger consumer')
  return consumer
}

function expectOneLineError(result: CliResult, message: RegExp) {
  expect(result.code, result.stdout).toBe(1)
  const lines = result.stderr.trim().split('\n')
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^pipeline: /)
  expect(lines[0]).toMatch(message)
}

// Each CLI run is its own process: on a small machine, one at a time is faster than many.
describe('pipeline dlq: bad input gets one clear line', { timeout: 60_000 }, () => {
  it('names the consumers when the consumer is unknown', async () => {
    expectOneLineError(
      await dlq('show', 'billing'),
      /unknown consumer 'billing': the pipeline has ledger, mailer, refunds/,
    )
  })

  it('says an empty DLQ is empty, and succeeds', async () => {
    const shown = await dlq('show', 'refunds')
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.stdout.trim()).toBe('the DLQ of refunds is empty')
    const redriven = await dlq('redrive', 'refunds')
    expect(redriven.code, redriven.stderr).toBe(0)
    expect(redriven.stdout.trim()).toBe('nothing to redrive: the DLQ of refunds is empty')
  })

  it('fails when the event asked for is not on the DLQ', async () => {
    expectOneLineError(
      await dlq('redrive', 'ledger', '--event-id', 'no-such-event'),
      /no message of event no-such-event is on the DLQ of ledger/,
    )
  })

  it('rejects a --limit that is not a positive number, and --move-task off AWS', async () => {
    expectOneLineError(await dlq('show', 'ledger', '--limit', '0'), /--limit takes .* got '0'/)
    expectOneLineError(await dlq('redrive', 'ledger', '--max', '0'), /--max takes .* got '0'/)
    expectOneLineError(
      await dlq('redrive', 'ledger', '--rate', 'fast'),
      /--rate takes .* got 'fast'/,
    )
    expectOneLineError(
      await dlq('redrive', 'ledger', '--move-task'),
      /--move-task uses SQS's StartMessageMoveTask, which only --target aws has/,
    )
  })
})

describe('pipeline dlq: a poison event, inspected, then redriven once fixed', {
  timeout: 60_000,
}, () => {
  it('lists the dead letter per consumer', async () => {
    const [result, text] = await Promise.all([dlq('list', '--json'), dlq('list', 'ledger')])
    expect(result.code, result.stderr).toBe(0)
    const { consumers } = JSON.parse(result.stdout) as { consumers: DlqCount[] }
    expect(consumers.map((c) => [c.consumer, c.deadLettered, c.undelivered])).toEqual([
      ['ledger', 1, 0],
      ['mailer', 0, 0],
      ['refunds', 0, 0],
      ['unroutable', 0, 0],
    ])
    expect(text.stdout.trim()).toMatch(
      /^consumer\s+DLQ\s+undelivered\s+oldest\nledger\s+1\s+0\s+\d+s$/,
    )
  })

  it('shows it with why it failed, and leaves it on the DLQ, visible', async () => {
    const [result, text] = await Promise.all([
      dlq('show', 'ledger', '--json'),
      dlq('show', 'ledger'),
    ])
    expect(result.code, result.stderr).toBe(0)
    const { messages } = JSON.parse(result.stdout) as { messages: DeadLetter[] }
    expect(messages).toEqual([
      expect.objectContaining({
        queue: 'dlq',
        eventId: poison.eventId,
        eventType: 'order.placed',
        failure: {
          errorName: 'PermanentError',
          errorMessage: 'ledger is closed to order o-poison',
          consumer: 'ledger',
          attempts: 1,
          firstFailureAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          lastFailureAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
        attributes: { eventType: 'order.placed', version: '1' },
      }),
    ])
    expect(await depth(ledger().deadLetterQueueUrl)).toEqual({ visible: 1, inFlight: 0 })
    expect(text.stdout).toContain(`order.placed ${poison.eventId}`)
    expect(text.stdout).toContain('PermanentError: ledger is closed to order o-poison')
    expect(text.stdout).toMatch(/attempts 1, first failure \S+, last failure \S+/)
    expect(await depth(ledger().deadLetterQueueUrl)).toEqual({ visible: 1, inFlight: 0 })
  })

  it('loses nothing when the send to the source queue fails', async () => {
    const key = consumerOutputKey('ledger', 'queueUrl')
    const gone = `${ledger().queueUrl}-gone`
    pipeline.setOutput(key, gone)
    try {
      expectOneLineError(
        await dlq('redrive', 'ledger'),
        new RegExp(
          `could not send ${poison.eventId} back to ${gone.replace(/[.]/g, '\\.')} \\(.*\\); it is still on the DLQ`,
        ),
      )
    } finally {
      pipeline.setOutput(key, ledger().queueUrl)
    }
    expect(await depth(ledger().deadLetterQueueUrl)).toEqual({ visible: 1, inFlight: 0 })
  })

  it('redrives it once the cause is fixed, and the consumer then processes it', async () => {
    pipeline.behaviour.ledger = 'succeed'
    const result = await dlq('redrive', 'ledger', '--event-id', poison.eventId, '--json')
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout) as RedriveSummary).toEqual({
      consumer: 'ledger',
      present: 1,
      moved: 1,
      eventIds: [poison.eventId],
      notDeleted: 0,
    })
    expect(result.stderr).toContain(`moved order.placed ${poison.eventId} to ledger (1 of 1)`)
    expect(await depth(ledger().deadLetterQueueUrl)).toEqual({ visible: 0, inFlight: 0 })

    const invocation = await pipeline.poll('ledger')
    expect(invocation.messages).toHaveLength(1)
    // Back with its original attributes only: the failure metadata stayed behind.
    expect(Object.keys(invocation.messages[0]?.MessageAttributes ?? {}).sort()).toEqual([
      'eventType',
      'version',
    ])
    expect(pipeline.handled.ledger).toEqual([poison.eventId])
    const { Item } = await pipeline.dynamodb.send(
      new GetItemCommand({
        TableName: 'idempotency',
        Key: { id: { S: `ledger#${poison.eventId}` } },
        ConsistentRead: true,
      }),
    )
    expect(Item?.status?.S).toBe('COMPLETED')
    expect(await depth(ledger().queueUrl)).toEqual({ visible: 0, inFlight: 0 })
  })
})
