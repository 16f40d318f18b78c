import { Logger } from '@aws-lambda-powertools/logger'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { BatchFailedError, consumer } from '../../../functions/runtime/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderPlaced } from './events.ts'
import { createConsumerResources, pollOnce, sendBodies, settingsFor, withLogs } from './fixture.ts'

const aws = useEmbeddedAws()

afterEach(() => {
  vi.restoreAllMocks()
})

/** A consumer whose handler fails every record it runs, logging warnings and above. */
async function setUp(options: { fifo?: boolean } = {}) {
  const resources = await createConsumerResources(aws.endpoint, options)
  const saved = { ...process.env }
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN'
  const logger = new Logger({ serviceName: 'inventory' })
  process.env = saved
  const handled: string[] = []
  const handler = consumer({
    name: 'inventory',
    events: { 'order.placed': OrderPlacedV1 },
    ...settingsFor(resources),
    logger,
    async handle(event) {
      handled.push(event.payload.orderId)
      throw new Error(`stock service said no to ${event.payload.orderId}`)
    },
  })
  return { resources, handler, handled }
}

const notStartedWarning = 'records not started, reported as failures'

describe('a batch whose records all failed', () => {
  it("throws BatchFailedError whose cause is the first record's error", async () => {
    const { resources, handler } = await setUp()
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(orderPlaced('boom-1')) },
    ])
    const { invocation, entries } = await withLogs(() => pollOnce(handler, resources))
    expect(invocation.ok).toBe(false)
    if (invocation.ok) return
    expect(invocation.error).toBeInstanceOf(BatchFailedError)
    expect(invocation.error.cause).toMatchObject({ message: 'stock service said no to boom-1' })
    // Every record ran: nothing to say about records not started.
    expect(entries.filter((entry) => entry.message === notStartedWarning)).toEqual([])
  })

  it('reports records never started when time ran short, says so, and names no cause', async () => {
    const { resources, handler, handled } = await setUp()
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(orderPlaced('late-1')) },
      { body: JSON.stringify(orderPlaced('late-2')) },
    ])
    // Less than the deadline margin (1 s) left: no record is started.
    const { invocation, entries } = await withLogs(() =>
      pollOnce(handler, resources, { remainingMs: 500 }),
    )
    expect(handled).toEqual([])
    expect(invocation.ok).toBe(false)
    if (invocation.ok) return
    expect(invocation.error).toBeInstanceOf(BatchFailedError)
    expect((invocation.error as BatchFailedError).failures).toHaveLength(2)
    expect(invocation.error.cause).toBeUndefined()
    expect(entries.filter((entry) => entry.message === notStartedWarning)).toEqual([
      expect.objectContaining({ level: 'WARN', notStarted: 2, reason: 'time ran short' }),
    ])
  })

  it('gives a FIFO queue’s reason too: an earlier record of the group failed, or time ran short', async () => {
    const { resources, handler } = await setUp({ fifo: true })
    await sendBodies(resources.sqs, resources.queueUrl, [
      { body: JSON.stringify(orderPlaced('late-fifo')), groupId: 'G' },
    ])
    const { invocation, entries } = await withLogs(() =>
      pollOnce(handler, resources, { remainingMs: 500 }),
    )
    expect(invocation.ok).toBe(false)
    expect(entries.filter((entry) => entry.message === notStartedWarning)).toEqual([
      expect.objectContaining({
        notStarted: 1,
        reason: 'an earlier record of their message group failed, or time ran short',
      }),
    ])
  })
})
