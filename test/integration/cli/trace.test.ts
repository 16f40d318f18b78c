import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventTrace } from '../../../cli/trace.ts'
import { createEvent, PaymentAuthorizedV1 } from '../../../functions/catalogue/index.ts'
import { EventStore } from '../../../functions/event-store/index.ts'
import { orderCancelled, orderPlaced } from '../runtime/events.ts'
import { type SmallPipeline, startSmallPipeline } from './dlq-pipeline.ts'
import { runPipeline } from './pipeline-cli.ts'

let pipeline: SmallPipeline
const placed = orderPlaced('o-trace')
const cancelled = orderCancelled('o-trace')

beforeAll(async () => {
  pipeline = await startSmallPipeline()
  // order.placed: the ledger dead-letters it, the mailer processes it, refunds never gets it.
  pipeline.behaviour.ledger = 'fail'
  await pipeline.publish(placed)
  await Promise.all([pipeline.poll('ledger'), pipeline.poll('mailer')])
  // order.cancelled: refunds processes it, the mailer fails for now and will retry.
  pipeline.behaviour.mailer = 'retry'
  await pipeline.publish(cancelled)
  await Promise.all([pipeline.poll('refunds'), pipeline.poll('mailer')])
  // The order's stream records order.placed; payments appended what it caused.
  const store = new EventStore({
    client: DynamoDBDocumentClient.from(pipeline.dynamodb),
    eventsTable: 'events',
  })
  await store.append('order-o-trace', [placed], {
    expectedVersion: 'no-stream',
    origin: 'recorded',
  })
  const authorized = createEvent(
    PaymentAuthorizedV1,
    { orderId: 'o-trace', paymentId: 'pay-1', customerId: 'c-1', amount: 19.98 },
    { source: 'payments', causationId: placed.eventId, correlationId: placed.correlationId },
  )
  await store.append('payment-o-trace', [authorized], { expectedVersion: 'no-stream' })
})
afterAll(async () => {
  await pipeline?.stop()
})

const trace = (...args: string[]) =>
  runPipeline(['trace', ...args, '--endpoint', pipeline.endpoint])

describe('pipeline trace', { timeout: 60_000 }, () => {
  it('shows per consumer: dead-lettered with why, processed, not subscribed; and the event store', async () => {
    const result = await trace(placed.eventId, '--json')
    expect(result.code, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout) as EventTrace
    expect(report.eventType).toBe('order.placed')
    expect(report.consumers).toEqual([
      expect.objectContaining({
        consumer: 'ledger',
        subscribed: true,
        state: 'dead-lettered',
        record: expect.objectContaining({ status: 'RELEASED', failures: 1 }),
        deadLetters: [
          expect.objectContaining({
            queue: 'dlq',
            failure: expect.objectContaining({
              errorName: 'PermanentError',
              errorMessage: 'ledger is closed to order o-trace',
              attempts: 1,
            }),
          }),
        ],
      }),
      expect.objectContaining({
        consumer: 'mailer',
        subscribed: true,
        state: 'processed',
        record: expect.objectContaining({ status: 'COMPLETED', completedAt: expect.any(String) }),
        deadLetters: [],
      }),
      {
        consumer: 'refunds',
        subscribed: false,
        state: 'not-subscribed',
        record: null,
        deadLetters: [],
      },
    ])
    expect(report.eventStore).toEqual({
      stored: [
        expect.objectContaining({
          streamId: 'order-o-trace',
          streamVersion: 1,
          origin: 'recorded',
        }),
      ],
      caused: [
        expect.objectContaining({
          streamId: 'payment-o-trace',
          streamVersion: 1,
          eventType: 'payment.authorized',
        }),
      ],
    })
  })

  it('prints the same as text, and leaves the DLQ copy where it was', async () => {
    const result = await trace(placed.eventId)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain(`event ${placed.eventId} (order.placed)`)
    expect(result.stdout).toContain('event store: order-o-trace v1 (recorded)')
    expect(result.stdout).toMatch(/caused payment\.authorized \S+ in payment-o-trace v1/)
    expect(result.stdout).toMatch(
      /ledger\s+yes\s+dead-lettered\s+PermanentError: ledger is closed to order o-trace \(attempts 1/,
    )
    expect(result.stdout).toMatch(/mailer\s+yes\s+processed\s+record COMPLETED/)
    expect(result.stdout).toMatch(/refunds\s+no\s+not-subscribed/)
  })

  it('takes --event-type for an event found only in idempotency records: retrying, processed', async () => {
    const result = await trace(cancelled.eventId, '--event-type', 'order.cancelled', '--json')
    expect(result.code, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout) as EventTrace
    expect(
      report.consumers.map((c) => [c.consumer, c.subscribed, c.state, c.record?.status ?? null]),
    ).toEqual([
      ['ledger', false, 'not-subscribed', null],
      ['mailer', true, 'retrying', 'RELEASED'],
      ['refunds', true, 'processed', 'COMPLETED'],
    ])
    expect(report.consumers[1]?.record?.failures).toBe(1)
    expect(report.eventStore).toEqual({ stored: [], caused: [] })
  })

  it('says in one line when no trace of the event is anywhere', async () => {
    const result = await trace('no-such-event')
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(
      /^pipeline: no trace of event no-such-event: no consumer has an idempotency record of it, no DLQ holds it, and the event store does not have it/,
    )
  })
})
