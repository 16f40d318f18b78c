import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { eventMessage, filterPolicySelects } from '../../../cli/filter-policy.ts'

/**
 * The one filter-policy evaluator (the embedded SNS's delivery, trace and dev's delivery
 * checks) against every delivery vector recorded on real AWS (/work/shared/parity/README.md),
 * and the rules the vectors do not cover.
 */
interface DeliveryVector {
  readonly id: string
  readonly kind: 'delivery'
  readonly scope: 'MessageAttributes' | 'MessageBody'
  readonly policy: Record<string, unknown>
  readonly message: {
    readonly body: string
    readonly attributes: Record<string, { DataType: string; StringValue: string }>
  }
  readonly expectedDelivered: boolean
}

const vectors: DeliveryVector[] = JSON.parse(
  readFileSync(
    new URL('../../fixtures/parity/sns-filter-policy.vectors.json', import.meta.url),
    'utf8',
  ),
).vectors.filter((v: { kind: string }) => v.kind === 'delivery')

function delivered(vector: DeliveryVector): boolean | undefined {
  let body: unknown
  try {
    body = JSON.parse(vector.message.body)
  } catch {
    body = vector.message.body
  }
  return filterPolicySelects(
    { policy: vector.policy, scope: vector.scope },
    { attributes: vector.message.attributes, body },
  )
}

describe('filterPolicySelects against AWS-recorded delivery vectors', () => {
  it('answers every vector as AWS did', () => {
    expect(vectors.length).toBe(59)
    expect(vectors.filter((v) => delivered(v) !== v.expectedDelivered).map((v) => v.id)).toEqual([])
  })

  it('answers every message-attribute vector right (what the pipeline filters on)', () => {
    const attributeVectors = vectors.filter((v) => v.scope === 'MessageAttributes')
    expect(attributeVectors.length).toBeGreaterThan(10)
    expect(
      attributeVectors.filter((v) => delivered(v) !== v.expectedDelivered).map((v) => v.id),
    ).toEqual([])
  })
})

describe('filterPolicySelects', () => {
  const filter = (policy: Record<string, unknown> | undefined, scope = 'MessageAttributes') => ({
    policy,
    scope,
  })
  const ofType = (eventType: string) => ({
    attributes: { eventType: { DataType: 'String', StringValue: eventType } },
  })

  it('selects by the bus attributes of an event, as the stack subscribes consumers', () => {
    const orders = filter({ eventType: [{ prefix: 'order.' }] })
    const v2 = filter({ version: ['2'] })
    const placed = eventMessage({ eventType: 'order.placed', version: 1 })
    expect(filterPolicySelects(orders, placed)).toBe(true)
    expect(filterPolicySelects(v2, placed)).toBe(false)
    expect(filterPolicySelects(filter(undefined), placed)).toBe(true)
    expect(filterPolicySelects(undefined, placed)).toBeUndefined()
    expect(
      filterPolicySelects(filter({ eventType: ['order.placed'] }, 'MessageBody'), placed),
    ).toBe(true)
  })

  it('with partly known attributes: undecided on an attribute not given, false when a known one fails', () => {
    const partial = { partial: true }
    const policy = filter({ eventType: ['order.placed'], tenant: ['acme'] })
    expect(filterPolicySelects(policy, ofType('order.placed'), partial)).toBeUndefined()
    expect(filterPolicySelects(policy, ofType('order.cancelled'), partial)).toBe(false)
    expect(filterPolicySelects(policy, ofType('order.placed'))).toBe(false)
    const either = filter({ $or: [{ eventType: ['order.placed'] }, { tenant: ['acme'] }] })
    expect(filterPolicySelects(either, ofType('order.placed'), partial)).toBe(true)
    expect(filterPolicySelects(either, ofType('order.cancelled'), partial)).toBeUndefined()
    expect(
      filterPolicySelects(filter({ eventType: ['x'] }, 'MessageBody'), ofType('x'), partial),
    ).toBeUndefined()
  })

  it('reads Number attributes as numbers and String.Array attributes as their members', () => {
    const message = {
      attributes: {
        price: { DataType: 'Number', StringValue: '12.5' },
        tags: { DataType: 'String.Array', StringValue: '["red","blue"]' },
      },
    }
    expect(filterPolicySelects(filter({ price: [{ numeric: ['>', 10] }] }), message)).toBe(true)
    expect(filterPolicySelects(filter({ tags: ['blue'] }), message)).toBe(true)
    expect(filterPolicySelects(filter({ tags: ['green'] }), message)).toBe(false)
  })
})
