import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { DeleteQueueCommand } from '@aws-sdk/client-sqs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import {
  type ConsumerOptions,
  consumer,
  PermanentError,
  TransientError,
} from '../../../functions/runtime/index.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { orderPlaced } from './events.ts'
import {
  type ConsumerResources,
  createConsumerResources,
  lambdaContext,
  pollOnce,
  queueDepth,
  receive,
  sendBodies,
  settingsFor,
  toSqsEvent,
  withLogs,
} from './fixture.ts'

/**
 * What an operator reads of each way a record can fail (docs: functions/runtime/README.md,
 * "Fail"): where the record goes (retried, backed off, dead-lettered, left for the redrive,
 * acknowledged), the log line that says so, and the EMF counts `pipeline status` adds up.
 */
const aws = useEmbeddedAws()

afterEach(async () => {
  vi.restoreAllMocks()
  await aws.aws.faults.clear()
})

type Handle = ConsumerOptions<{ 'order.placed': typeof OrderPlacedV1 }>['handle']

/** An `inventory` consumer logging at INFO and emitting its EMF metrics, 2 s backoff on receive 1. */
function observed(
  resources: ConsumerResources,
  handle: Handle,
  options: Pick<
    ConsumerOptions<{ 'order.placed': typeof OrderPlacedV1 }>,
    'leases' | 'clients'
  > = {},
) {
  const saved = { ...process.env }
  process.env.POWERTOOLS_METRICS_DISABLED = 'false'
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO'
  const logger = new Logger({ serviceName: 'inventory' })
  const metrics = new Metrics({ namespace: 'EventPipeline', serviceName: 'inventory' })
  process.env = saved
  return consumer({
    name: 'inventory',
    events: { 'order.placed': OrderPlacedV1 },
    ...settingsFor(resources),
    logger,
    metrics,
    backoffBaseSeconds: 2,
    random: () => 0.999,
    ...options,
    handle,
  })
}

/** The invocation's EMF count of `name` (0 when it was not emitted). */
function countOf(entries: readonly Record<string, unknown>[], name: string): number {
  const emf = entries.find((entry) => entry._aws !== undefined)
  const value = emf?.[name]
  if (Array.isArray(value)) return value.reduce((sum: number, n: number) => sum + n, 0)
  return typeof value === 'number' ? value : 0
}

function lines(entries: readonly Record<string, unknown>[], message: string) {
  return entries.filter((entry) => entry.message === message)
}

/** The idempotency record as another invocation would leave it: `status`, another owner. */
async function holdElsewhere(
  resources: ConsumerResources,
  eventId: string,
  status: 'IN_PROGRESS' | 'COMPLETED',
  leaseSeconds = 600,
) {
  const now = Math.floor(Date.now() / 1000)
  await resources.dynamodb.send(
    new PutItemCommand({
      TableName: resources.table,
      Item: {
        id: { S: `inventory#${eventId}` },
        status: { S: status },
        owner: { S: 'another-invocation' },
        leaseExpiresAt: { N: String(now + leaseSeconds) },
        ...(status === 'COMPLETED' ? { completedAt: { N: String(now) } } : {}),
        expiresAt: { N: String(now + 3600) },
      },
    }),
  )
}

async function deadLettered(resources: ConsumerResources) {
  return (await receive(resources.sqs, resources.dlqUrl)).map((message) =>
    Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
    ),
  )
}

/** Sends one event and runs one poll of `handler`, with the log lines it wrote. */
async function pollOne(
  resources: ConsumerResources,
  handler: ReturnType<typeof observed>,
  event: ReturnType<typeof orderPlaced>,
) {
  await sendBodies(resources.sqs, resources.queueUrl, [{ body: JSON.stringify(event) }])
  return withLogs(() => pollOnce(handler, resources))
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('a failed record, as the operator sees it', () => {
  it('an unknown failure waits out its visibility timeout; a transient one is backed off; both say so and count', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const handler = observed(resources, async (event) => {
      const { orderId } = event.payload
      if (orderId === 'busy') throw new TransientError('stock service busy')
      if (orderId === 'odd') throw 'a thrown string' // not an Error: named NonError
      throw new Error('stock service said no')
    })
    const events = [orderPlaced('boom'), orderPlaced('busy'), orderPlaced('odd')]
    await sendBodies(
      resources.sqs,
      resources.queueUrl,
      events.map((event) => ({ body: JSON.stringify(event) })),
    )
    const { invocation, entries } = await withLogs(() => pollOnce(handler, resources))
    expect(invocation.ok).toBe(false)
    const unknown = lines(entries, 'failed; retried when its visibility timeout ends')
    expect(unknown).toEqual([
      expect.objectContaining({
        level: 'WARN',
        errorName: 'Error',
        errorMessage: 'stock service said no',
        attempt: 1,
      }),
      expect.objectContaining({ errorName: 'NonError', errorMessage: 'a thrown string' }),
    ])
    expect(unknown[0]).not.toHaveProperty('delaySeconds')
    expect(lines(entries, 'transient failure; retried after a backoff')).toEqual([
      expect.objectContaining({
        level: 'WARN',
        errorName: 'TransientError',
        errorMessage: 'stock service busy',
        attempt: 1,
        delaySeconds: 2,
      }),
    ])
    expect(countOf(entries, 'failed')).toBe(3)
    expect(countOf(entries, 'retried')).toBe(3)
    expect(countOf(entries, 'deadLettered')).toBe(0)
    // Only the transient one was hidden for its backoff: back after 2 s, the others not.
    const [again, ...others] = await receive(resources.sqs, resources.queueUrl, 10, 4)
    expect(again?.Body).toBe(JSON.stringify(events[1]))
    expect(others).toEqual([])
  })

  it('a delay the handler asks for that is not a finite number leaves the backoff alone', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const asked = [Number.POSITIVE_INFINITY, Number.NaN, -5, 0]
    let calls = 0
    const handler = observed(resources, async () => {
      throw new TransientError('busy', { retryAfterSeconds: asked[calls++] })
    })
    const delays: unknown[] = []
    for (let i = 0; i < asked.length; i++) {
      const { entries } = await pollOne(resources, handler, orderPlaced(`o-${i}`))
      delays.push(
        ...lines(entries, 'transient failure; retried after a backoff').map((e) => e.delaySeconds),
      )
    }
    expect(delays).toEqual([2, 2, 2, 2])
  })

  it('dead-letters on the last receive, saying it was the last, and counts it', async () => {
    const resources = await createConsumerResources(aws.endpoint, { maxReceiveCount: 1 })
    const handler = observed(resources, async () => {
      throw new Error('stock service said no')
    })
    const { invocation, entries } = await pollOne(resources, handler, orderPlaced('last'))
    expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(lines(entries, 'dead-lettered on its last receive')).toEqual([
      expect.objectContaining({ level: 'ERROR', failureClass: 'unknown', attempt: 1 }),
    ])
    expect(lines(entries, 'dead-lettered')).toEqual([])
    expect(
      lines(entries, 'dead-lettered, but deleting the source message failed; Lambda deletes it'),
    ).toEqual([])
    expect(countOf(entries, 'deadLettered')).toBe(1)
    expect(countOf(entries, 'retried')).toBe(0)
    expect(await deadLettered(resources)).toHaveLength(1)
  })

  it('dates the first failure of a record that failed on its first receive by the failure, not the receive', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const handler = observed(resources, async () => {
      await sleep(1_100) // the failure falls in a later second than the receive
      throw new PermanentError('unknown sku')
    })
    await pollOne(resources, handler, orderPlaced('slow'))
    const [dead] = await deadLettered(resources)
    expect(dead?.['failure.attempts']).toBe('1')
    expect(dead?.['failure.firstFailureAt']).toBe(dead?.['failure.lastFailureAt'])
  })

  it('dates the first failure of a record without a first-receive time (made by hand) by its failures', async () => {
    const resources = await createConsumerResources(aws.endpoint, { maxReceiveCount: 2 })
    const handler = observed(resources, async () => {
      throw new Error('stock service said no')
    })
    for (const firstReceive of [undefined, '0']) {
      await sendBodies(resources.sqs, resources.queueUrl, [
        { body: JSON.stringify(orderPlaced('by-hand')) },
      ])
      const event = toSqsEvent(await receive(resources.sqs, resources.queueUrl), resources.queueArn)
      const attributes = event.Records[0]!.attributes as unknown as Record<string, unknown>
      attributes.ApproximateReceiveCount = '2' // its last receive
      if (firstReceive === undefined) delete attributes.ApproximateFirstReceiveTimestamp
      else attributes.ApproximateFirstReceiveTimestamp = firstReceive
      const before = Math.floor(Date.now() / 1000) * 1000
      await withLogs(() => handler(event, lambdaContext()))
      const [dead] = await deadLettered(resources)
      expect(Date.parse(dead!['failure.firstFailureAt']!)).toBeGreaterThanOrEqual(before)
      expect(dead!['failure.firstFailureAt']).toBe(dead!['failure.lastFailureAt'])
    }
  })

  it('leaves a record the DLQ refused for the queue’s redrive, and says why', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    await resources.sqs.send(new DeleteQueueCommand({ QueueUrl: resources.dlqUrl }))
    const handler = observed(resources, async () => {
      throw new PermanentError('unknown sku')
    })
    const event = orderPlaced('no-dlq')
    const { invocation, entries } = await pollOne(resources, handler, event)
    expect(invocation.ok).toBe(false)
    expect(lines(entries, 'could not dead-letter the record; left for redrive')).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        errorName: 'PermanentError',
        deadLetterError: expect.objectContaining({ errorName: expect.any(String) }),
      }),
    ])
    expect(countOf(entries, 'deadLettered')).toBe(0)
    expect(await queueDepth(resources.sqs, resources.queueUrl)).toBe(1)
  })

  it('reports a dead-lettered record done when deleting its source failed, and warns', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const handler = observed(resources, async () => {
      await aws.aws.faults.set('sqs.DeleteMessage:5xx=100%')
      throw new PermanentError('unknown sku')
    })
    const { invocation, entries } = await pollOne(resources, handler, orderPlaced('undeletable'))
    // Retrying it would put a second copy in the DLQ: Lambda deletes it.
    expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(
      lines(entries, 'dead-lettered, but deleting the source message failed; Lambda deletes it'),
    ).toEqual([expect.objectContaining({ level: 'WARN', deleteError: expect.any(Object) })])
    expect(countOf(entries, 'deadLettered')).toBe(1)
    expect(await deadLettered(resources)).toHaveLength(1)
  })

  // [the request AWS fails, what the handler throws, the line that says so, its level]
  const refusedSteps = {
    'the backoff’s visibility change': [
      'sqs.ChangeMessageVisibility:5xx=100%',
      new TransientError('stock service busy'),
      'could not change the visibility timeout',
      'WARN',
    ],
    'the lease’s release': [
      'dynamodb.UpdateItem:5xx=100%',
      new Error('stock service said no'),
      'could not release the idempotency record',
      'ERROR',
    ],
  } as const
  for (const [step, [faults, error, message, level]] of Object.entries(refusedSteps)) {
    it(`says so when AWS refused ${step}, and still retries the record`, async () => {
      const resources = await createConsumerResources(aws.endpoint)
      const handler = observed(resources, async () => {
        await aws.aws.faults.set(faults)
        throw error
      })
      const { invocation, entries } = await pollOne(resources, handler, orderPlaced('refused'))
      expect(invocation.ok).toBe(false)
      expect(lines(entries, message)).toEqual([
        expect.objectContaining({ level, errorName: expect.any(String) }),
      ])
      expect(countOf(entries, 'retried')).toBe(1)
    })
  }
})

describe('a record that is not a valid event', () => {
  it('is dead-lettered at once, with no lease to release and no error about one', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const handler = observed(resources, async () => {})
    await sendBodies(resources.sqs, resources.queueUrl, [{ body: '{"not": "an event"' }])
    const { invocation, entries } = await withLogs(() => pollOnce(handler, resources))
    expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(lines(entries, 'dead-lettered')).toEqual([
      expect.objectContaining({ errorName: 'InvalidRecordError', failureClass: 'permanent' }),
    ])
    expect(lines(entries, 'could not release the idempotency record')).toEqual([])
    expect(await deadLettered(resources)).toHaveLength(1)
  })
})

describe('a duplicate another invocation is processing', () => {
  it('comes back when that lease ends, and says so', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const handler = observed(resources, async () => {})
    const event = orderPlaced('elsewhere')
    await holdElsewhere(resources, event.eventId, 'IN_PROGRESS', 5)
    const { invocation, entries } = await pollOne(resources, handler, event)
    expect(invocation.ok).toBe(false)
    const [line, ...more] = lines(
      entries,
      'duplicate in progress elsewhere; retried after its lease',
    )
    expect(more).toEqual([])
    expect(line).toMatchObject({ level: 'INFO' })
    // The other lease ends 5 s after it was written; a second may have passed since.
    expect(line?.delaySeconds).toBeGreaterThanOrEqual(4)
    expect(line?.delaySeconds).toBeLessThanOrEqual(5)
  })
})

describe('a record whose completion landed though its reply was lost', () => {
  it('is processed: one processed line saying so, counted once', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    // One attempt: the lost reply reaches the runtime, as a retry that met throttling would.
    const dynamodb = new DynamoDBClient({ ...emulatorClientConfig(aws.endpoint), maxAttempts: 1 })
    const handler = observed(
      resources,
      async (event) => {
        await aws.aws.faults.set('dynamodb.TransactWriteItems:lost=100%')
        return [{ Put: { TableName: resources.table, Item: { id: `effect#${event.eventId}` } } }]
      },
      { clients: { sqs: resources.sqs, dynamodb } },
    )
    const { invocation, entries } = await pollOne(
      resources,
      handler,
      orderPlaced('lost-reply'),
    ).finally(() => dynamodb.destroy())
    expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(lines(entries, 'processed')).toEqual([
      expect.objectContaining({
        level: 'INFO',
        attempt: 1,
        note: 'the completion landed though its reply was lost',
      }),
    ])
    expect(countOf(entries, 'processed')).toBe(1)
    expect(countOf(entries, 'retried')).toBe(0)
  })
})

describe('a record whose lease another invocation took meanwhile', () => {
  it('is neither dead-lettered nor completed by the old owner: the new owner processes it', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const handler = observed(resources, async (event) => {
      await holdElsewhere(resources, event.eventId, 'IN_PROGRESS')
      if (event.payload.orderId === 'poison') throw new PermanentError('unknown sku')
    })
    const failing = orderPlaced('poison')
    const failed = await pollOne(resources, handler, failing)
    expect(failed.invocation.ok).toBe(false)
    expect(
      lines(
        failed.entries,
        'failed after the lease was taken over; the new owner processes the event',
      ),
    ).toEqual([expect.objectContaining({ level: 'WARN', errorName: 'PermanentError' })])
    // Nothing else to do or to report: not a release, not a dead-letter.
    expect(failed.entries.filter((entry) => entry.level === 'ERROR')).toEqual([])
    expect(await deadLettered(resources)).toEqual([])

    const handled = orderPlaced('fine')
    const completed = await pollOne(resources, handler, handled)
    expect(completed.invocation.ok).toBe(false)
    expect(lines(completed.entries, 'lease lost; the new owner processes the event')).toEqual([
      expect.objectContaining({ level: 'WARN', errorName: 'LeaseLostError' }),
    ])
    expect(lines(completed.entries, 'processed')).toEqual([])
  })
})

describe('without leases, a record another invocation took while it ran', () => {
  const effect = (resources: ConsumerResources, eventId: string) => [
    { Put: { TableName: resources.table, Item: { id: `effect#${eventId}` } } },
  ]

  it('is a duplicate when the other completed it: acknowledged, its effects cancelled', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const handler = observed(
      resources,
      async (event) => {
        await holdElsewhere(resources, event.eventId, 'COMPLETED')
        return effect(resources, event.eventId)
      },
      { leases: false },
    )
    const event = orderPlaced('raced')
    const { invocation, entries } = await pollOne(resources, handler, event)
    expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(
      lines(entries, 'duplicate skipped: another invocation completed the event meanwhile'),
    ).toHaveLength(1)
    expect(countOf(entries, 'duplicate')).toBe(1)
    expect(countOf(entries, 'retried')).toBe(0)
    const { Item } = await resources.dynamodb.send(
      new GetItemCommand({
        TableName: resources.table,
        Key: { id: { S: `effect#${event.eventId}` } },
        ConsistentRead: true,
      }),
    )
    expect(Item, 'the cancelled transaction wrote no effect').toBeUndefined()
  })

  it('is backed off when the other holds it, and comes back after the backoff', async () => {
    const resources = await createConsumerResources(aws.endpoint, { visibilityTimeout: 30 })
    const handler = observed(
      resources,
      async (event) => {
        await holdElsewhere(resources, event.eventId, 'IN_PROGRESS')
        return effect(resources, event.eventId)
      },
      { leases: false },
    )
    const { invocation, entries } = await pollOne(resources, handler, orderPlaced('held'))
    expect(invocation.ok).toBe(false)
    expect(lines(entries, 'the record changed hands meanwhile; retried after a backoff')).toEqual([
      expect.objectContaining({ level: 'WARN', errorName: 'RecordRaceError', delaySeconds: 2 }),
    ])
    expect(countOf(entries, 'retried')).toBe(1)
    expect(countOf(entries, 'duplicate')).toBe(0)
    const [again] = await receive(resources.sqs, resources.queueUrl, 1, 5)
    expect(again, 'back after its 2 s backoff, not the 30 s visibility timeout').toBeDefined()
  })

  it('is processed when its own completion landed though the reply was lost', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const handler = observed(
      resources,
      async () => {
        await aws.aws.faults.set(
          'dynamodb.UpdateItem:lost=100%;dynamodb.TransactWriteItems:lost=100%',
        )
      },
      { leases: false },
    )
    const event = orderPlaced('own')
    const { invocation, entries } = await pollOne(resources, handler, event)
    expect(invocation).toMatchObject({ ok: true, response: { batchItemFailures: [] } })
    expect(
      lines(entries, 'completed after all: the completion landed though its reply was lost'),
    ).toHaveLength(1)
    expect(countOf(entries, 'processed')).toBe(1)
    expect(countOf(entries, 'duplicate')).toBe(0)
  })
})
