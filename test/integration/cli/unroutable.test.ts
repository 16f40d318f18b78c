import { PublishCommand, SNSClient } from '@aws-sdk/client-sns'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DlqCount, RedriveSummary } from '../../../cli/dlq.ts'
import type { DeadLetter } from '../../../cli/dlq-messages.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { orderPlaced } from '../runtime/events.ts'
import { queueDepth } from '../runtime/fixture.ts'
import { type SmallPipeline, startSmallPipeline } from './dlq-pipeline.ts'
import { runPipeline } from './pipeline-cli.ts'

let pipeline: SmallPipeline
let sns: SNSClient
const noAttributes = orderPlaced('o-no-attributes')
const malformed = orderPlaced('o-malformed')
const unselected = { ...orderPlaced('o-refund'), eventType: 'payment.refunded' }

beforeAll(async () => {
  pipeline = await startSmallPipeline()
  sns = new SNSClient(emulatorClientConfig(pipeline.endpoint))
  const topicArn = pipeline.resources.eventTopicArn
  const attribute = (value: string) => ({ DataType: 'String', StringValue: value })
  // As the aws CLI or a buggy producer could publish them: each accepted by the topic.
  await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(noAttributes) }))
  await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify(malformed),
      MessageAttributes: { eventType: attribute('Order Placed!'), version: attribute('1') },
    }),
  )
  await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify(unselected),
      MessageAttributes: { eventType: attribute('payment.refunded'), version: attribute('1') },
    }),
  )
})
afterAll(async () => {
  sns?.destroy()
  await pipeline?.stop()
})

const cli = (...args: string[]) => runPipeline([...args, '--endpoint', pipeline.endpoint])

// Issue 17, defect 1: an event no subscription selected, or one without the eventType
// attribute, was accepted by the topic and then existed nowhere.
describe('events no consumer selects', { timeout: 120_000 }, () => {
  it('are kept on the unroutable queue, which dlq list counts and dlq show reads', async () => {
    const listed = await cli('dlq', 'list', '--json')
    expect(listed.code, listed.stderr).toBe(0)
    const { consumers } = JSON.parse(listed.stdout) as { consumers: DlqCount[] }
    expect(consumers.find((c) => c.consumer === 'unroutable')).toMatchObject({ deadLettered: 3 })
    const shown = await cli('dlq', 'show', 'unroutable', '--json')
    expect(shown.code, shown.stderr).toBe(0)
    const { messages } = JSON.parse(shown.stdout) as { messages: DeadLetter[] }
    expect(messages.map((m) => m.eventId).sort()).toEqual(
      [noAttributes, malformed, unselected].map((e) => e.eventId).sort(),
    )
    const text = await cli('dlq', 'show', 'unroutable')
    expect(text.stdout).toContain(
      "no consumer selects it: its eventType attribute is 'Order Placed!'",
    )
    expect(text.stdout).toContain('no consumer selects it: its eventType attribute is missing')
  })

  it('are redriven to the bus with the routing attributes their body names', async () => {
    const redriven = await cli('dlq', 'redrive', 'unroutable', '--json')
    expect(redriven.code, redriven.stderr).toBe(0)
    expect(JSON.parse(redriven.stdout) as RedriveSummary).toMatchObject({ present: 3, moved: 3 })
    // The two order.placed now reach the ledger; payment.refunded is kept again, once.
    let received: string[] = []
    for (let i = 0; i < 20 && received.length < 2; i++) {
      await pipeline.poll('ledger')
      received = pipeline.handled.ledger
    }
    expect([...received].sort()).toEqual([noAttributes.eventId, malformed.eventId].sort())
    expect(await queueDepth(pipeline.sqs, pipeline.resources.unroutableQueueUrl)).toBe(1)
  })

  it('are refused by pipeline publish before it sends them', async () => {
    const before = await queueDepth(pipeline.sqs, pipeline.resources.unroutableQueueUrl)
    const refused = await cli(
      'publish',
      'payment.voided',
      '--data',
      JSON.stringify({ orderId: 'o-1', paymentId: 'p-1', amount: 10, reason: 'cancelled' }),
    )
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toBe(
      'pipeline: no consumer selects payment.voided v1 (the consumers are ledger, mailer, refunds): published, it would only be kept on the unroutable events queue, so it was not sent',
    )
    expect(await queueDepth(pipeline.sqs, pipeline.resources.unroutableQueueUrl)).toBe(before)
  })
})
