import { describe, expect, it } from 'vitest'
import { OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { ConsumerConfigError, consumer, runtimeDefaults } from '../../../functions/runtime/index.ts'
import { resolveConfig } from '../../../functions/runtime/resolve-config.ts'

const env = {
  QUEUE_URL: 'http://q',
  DLQ_URL: 'http://dlq',
  MAX_RECEIVE_COUNT: '5',
  IDEMPOTENCY_TABLE: 'idempotency',
}

describe('resolveConfig', () => {
  it('reads the Lambda environment and fills defaults', () => {
    expect(resolveConfig('inventory', {}, env)).toEqual({
      name: 'inventory',
      queueUrl: 'http://q',
      dlqUrl: 'http://dlq',
      maxReceiveCount: 5,
      idempotencyTable: 'idempotency',
      concurrency: runtimeDefaults.concurrency,
      backoffBaseSeconds: runtimeDefaults.backoffBaseSeconds,
      backoffCapSeconds: runtimeDefaults.backoffCapSeconds,
      leaseSeconds: undefined,
      dedupeWindowSeconds: runtimeDefaults.dedupeWindowSeconds,
      deadlineMarginMs: runtimeDefaults.deadlineMarginMs,
      maxBodyBytes: runtimeDefaults.maxBodyBytes,
      unknownEvents: runtimeDefaults.unknownEvents,
      batchIdempotencyWrites: runtimeDefaults.batchIdempotencyWrites,
      leases: runtimeDefaults.leases,
    })
  })

  it('lets options override the environment', () => {
    expect(
      resolveConfig('inventory', { maxReceiveCount: 2, queueUrl: 'http://other' }, env),
    ).toMatchObject({
      maxReceiveCount: 2,
      queueUrl: 'http://other',
    })
  })

  it('lists every problem at once, with the range and the value', () => {
    let error: ConsumerConfigError | undefined
    try {
      resolveConfig('in ventory', { backoffCapSeconds: 50_000, concurrency: 0 }, {})
    } catch (e) {
      error = e as ConsumerConfigError
    }
    expect(error).toBeInstanceOf(ConsumerConfigError)
    expect(error!.problems).toEqual([
      "name must be 1-64 letters, digits, - or _ (got 'in ventory')",
      'queueUrl is required (option queueUrl or env QUEUE_URL)',
      'dlqUrl is required (option dlqUrl or env DLQ_URL)',
      'idempotencyTable is required (option idempotencyTable or env IDEMPOTENCY_TABLE)',
      expect.stringMatching(/^maxReceiveCount must be an integer from 1 to 1000/),
      'concurrency must be an integer from 1 to 1000 (got 0)',
      "backoffCapSeconds must be an integer from backoffBaseSeconds (1) to 42000: SQS's 12 hours less a batching window and a function timeout (got 50000)",
    ])
  })
})

describe('consumer names', () => {
  it('refuses a name that differs from the function’s CONSUMER_NAME', () => {
    expect(() => resolveConfig('payments', {}, { ...env, CONSUMER_NAME: 'inventory' })).toThrow(
      /name 'payments' differs from env CONSUMER_NAME 'inventory'/,
    )
  })

  it('takes the name from CONSUMER_NAME when the handler gives none', () => {
    expect(() =>
      consumer({ events: { 'order.placed': OrderPlacedV1 }, async handle() {}, env: {} }),
    ).toThrow(/name is required \(option name or env CONSUMER_NAME\)/)
    expect(() =>
      consumer({
        events: { 'order.placed': OrderPlacedV1 },
        async handle() {},
        env: { CONSUMER_NAME: 'inventory' },
      }),
    ).not.toThrow()
  })
})

describe('consumer options', () => {
  it('rejects a typo in an option name and a definition under the wrong type', () => {
    expect(() =>
      consumer({
        name: 'inventory',
        events: { 'order.cancelled': OrderPlacedV1 },
        async handle() {},
        // @ts-expect-error: the typo the check is for
        maxRecieveCount: 3,
      }),
    ).toThrow(
      /unknown option 'maxRecieveCount' .*; events\['order\.cancelled'\] is the definition of 'order\.placed'/,
    )
  })
})
