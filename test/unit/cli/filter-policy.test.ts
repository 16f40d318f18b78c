import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { eventMessage, filterPolicySelects } from '../../../cli/filter-policy.ts'

/**
 * The one filter-policy evaluator (trace and dev's delivery checks, on the embedded Lambda's
 * event-pattern matcher) against every delivery vector recorded on real AWS
 * (/work/shared/parity/README.md). What it gets wrong today is listed, one reason a vector;
 * the set of divergences must equal that list exactly (a ratchet, as in
 * test/integration/embedded-aws/filter-policy-parity.test.ts for the embedded SNS).
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

const knownDivergences: Record<string, string> = {
  'body-dotkey-nested-obj': 'a dotted policy key does not match nested objects in the body',
  'body-deep-dotkey-0': 'a dotted policy key does not match nested objects in the body',
  'body-deep-dotkey-2': 'a dotted policy key does not match nested objects in the body',
  'body-deep-dotkey-3': 'a dotted policy key does not match nested objects in the body',
  'body-large-complex-prefix': 'a dotted key inside a nested policy does not match the nested body',
  'body-arrobj-multi-records': 'does not descend into arrays of objects in the body',
  'body-arrobj-auto-created': 'does not descend into arrays of objects in the body',
  'body-cidr-1': 'no cidr operator',
  'body-cidr-3': 'no cidr operator',
}

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
  it('diverges from AWS on exactly the known-divergence list', () => {
    expect(vectors.length).toBeGreaterThan(50)
    const divergent = vectors.filter((v) => delivered(v) !== v.expectedDelivered).map((v) => v.id)
    expect({
      newlyDivergent: divergent.filter((id) => !(id in knownDivergences)).sort(),
      nowConforming: Object.keys(knownDivergences)
        .filter((id) => !divergent.includes(id))
        .sort(),
    }).toEqual({ newlyDivergent: [], nowConforming: [] })
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
