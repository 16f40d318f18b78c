import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import {
  checkSubscriptionRequest,
  type FilterPolicyScope,
  type SubscriptionView,
  validateFilterPolicy,
  validateFilterPolicyScope,
  violationMessage,
} from '../../../local/sns-sqs/filter-policy-validation.ts'

interface Vector {
  readonly id: string
  readonly kind: 'delivery' | 'validation'
  readonly scope: FilterPolicyScope
  readonly policy: unknown
  readonly policyRaw?: string
  readonly via?: 'Subscribe' | 'SetSubscriptionAttributes'
  readonly attributeName?: 'FilterPolicy' | 'FilterPolicyScope'
  readonly expectedCode?: string | null
  readonly expectedError?: string | null
}

const vectors: readonly Vector[] = JSON.parse(
  readFileSync(
    new URL('../../fixtures/parity/sns-filter-policy.vectors.json', import.meta.url),
    'utf8',
  ),
).vectors
const byId = new Map(vectors.map((v) => [v.id, v]))
const covered = new Set<string>()

/** The error message the validator gives for a validation vector, or 'accepted'. */
function answer(id: string): string {
  const vector = byId.get(id)
  if (vector?.kind !== 'validation') throw new Error(`no validation vector ${id}`)
  covered.add(id)
  const violation =
    vector.attributeName === 'FilterPolicyScope'
      ? validateFilterPolicyScope(vector.policyRaw ?? vector.scope)
      : validateFilterPolicy(vector.policyRaw ?? JSON.stringify(vector.policy), vector.scope)
  return violation ? violationMessage(violation, vector.via ?? 'Subscribe') : 'accepted'
}

/** Each vector is answered as AWS answered it: accepted, or rejected naming AWS's reason. */
function expectAsAws(ids: readonly string[]) {
  for (const id of ids) {
    const vector = byId.get(id)!
    const got = answer(id)
    if (vector.expectedCode === null) expect(got, id).toBe('accepted')
    else {
      expect(got, id).toContain(vector.expectedError)
      expect(got, id).toMatch(/^Invalid parameter: /)
    }
  }
}

describe('filter policy validation, one rule at a time (evidence: AWS-recorded vectors)', () => {
  it('a policy must be JSON', () => {
    expectAsAws(['invalid-json-subscribe', 'invalid-json-set-attrs'])
    expect(answer('invalid-json-subscribe')).toMatch(
      /^Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON\. /,
    )
    expect(answer('invalid-json-set-attrs')).toMatch(
      /^Invalid parameter: FilterPolicy: failed to parse JSON\. /,
    )
  })

  it('FilterPolicyScope is MessageAttributes or MessageBody', () => {
    expectAsAws(['scope-invalid-value'])
    expect(answer('scope-invalid-value')).toBe(
      'Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes',
    )
  })

  it('nested keys need the MessageBody scope', () => {
    expectAsAws(['nested-policy-attr-scope', 'nested-policy-body-scope-accepted'])
    expect(answer('nested-policy-attr-scope')).toBe(
      'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy',
    )
  })

  it('a key maps to a list of match values or to an object of nested keys', () => {
    expectAsAws([
      'rule-not-list',
      'suffix-not-in-list',
      'suffix-prefix-not-in-list',
      'unknown-op-not-in-list',
    ])
  })

  it('match lists are not empty', () => {
    expectAsAws(['empty-array'])
  })

  it('at most 5 keys', () => {
    expectAsAws(['flat-six-keys-body', 'complexity-six-keys'])
    expect(validateFilterPolicy(JSON.stringify(policyWithKeys(5)), 'MessageAttributes')).toBe(
      undefined,
    )
  })

  it('at most 150 combinations: lists multiply (times their depth), $or branches add', () => {
    expectAsAws([
      'complexity-151-values',
      'complexity-100x51',
      'nested-too-many-combinations',
      'complexity-or-flat-152',
      'complexity-or-nested-160',
      'complexity-or-150-accepted',
    ])
    expect(
      validateFilterPolicy(JSON.stringify({ key: values(150) }), 'MessageAttributes'),
    ).toBeUndefined()
  })

  it('a match value is a string, number, true, false, null or a match expression', () => {
    expectAsAws(['list-in-list'])
  })

  it('a match expression has exactly one operator', () => {
    expectAsAws(['two-operators'])
    expect(validateFilterPolicy('{"key":[{}]}', 'MessageAttributes')?.reason).toBe(
      'Only one key allowed in match expression',
    )
  })

  it('operators are the ones AWS knows', () => {
    expectAsAws(['unknown-operator'])
  })

  it('prefix and suffix take a string', () => {
    expectAsAws(['suffix-numeric', 'suffix-null', 'suffix-empty-list', 'suffix-list-value'])
    expect(
      validateFilterPolicy('{"k":[{"prefix":{"equals-ignore-case":"ab"}}]}', 'MessageAttributes'),
    ).toBeUndefined()
  })

  it('exists takes true or false', () => {
    expectAsAws(['exists-null', 'exists-string'])
  })

  it('anything-but takes a value, a list of values, or a prefix', () => {
    expectAsAws([
      'anythingbut-unknown-op',
      'anythingbut-suffix-rejected',
      'anythingbut-exists',
      'anythingbut-prefix-bool',
      'anythingbut-prefix-accepted',
      'anythingbut-list-accepted',
      'anythingbut-string-accepted',
    ])
  })

  it('numeric is [op, n] or [> or >=, n, < or <=, m] with n < m', () => {
    expectAsAws(vectors.filter((v) => v.id.startsWith('numeric-')).map((v) => v.id))
    expect(
      validateFilterPolicy('{"k":[{"numeric":[">=",0,"<",1.5]}]}', 'MessageAttributes'),
    ).toBeUndefined()
  })

  it('cidr is a valid IPv4 or IPv6 address, a slash and integer mask bits', () => {
    expectAsAws(vectors.filter((v) => v.id.startsWith('cidr-')).map((v) => v.id))
  })

  it('accepts every policy AWS delivered with (the delivery vectors)', () => {
    for (const vector of vectors.filter((v) => v.kind === 'delivery'))
      expect(validateFilterPolicy(JSON.stringify(vector.policy), vector.scope), vector.id).toBe(
        undefined,
      )
  })

  afterAll(() => {
    // Every validation vector is evidence for some rule above.
    const uncovered = vectors.filter((v) => v.kind === 'validation' && !covered.has(v.id))
    expect(uncovered.map((v) => v.id)).toEqual([])
  })
})

describe('filter policy validation is safe with hostile input', () => {
  it('reads __proto__ and constructor keys as data and pollutes no prototype', () => {
    const hostile = [
      '{"__proto__":{"polluted":["yes"]}}',
      '{"__proto__":["x"],"constructor":{"prototype":{"polluted":["yes"]}}}',
      '{"k":[{"__proto__":"x"}]}',
      '{"k":[{"anything-but":{"__proto__":"x"}}]}',
    ]
    for (const policy of hostile) validateFilterPolicy(policy, 'MessageBody')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(validateFilterPolicy(hostile[0]!, 'MessageAttributes')?.reason).toBe(
      'Filter policy scope MessageAttributes does not support nested filter policy',
    )
    expect(validateFilterPolicy(hostile[2]!, 'MessageAttributes')?.reason).toBe(
      'Unrecognized match type __proto__',
    )
  })

  it('rejects a policy that is JSON but not an object', () => {
    for (const policy of ['[]', '"x"', '1', 'null'])
      expect(validateFilterPolicy(policy, 'MessageAttributes'), policy).toBeDefined()
  })
})

describe('checkSubscriptionRequest', () => {
  const subscriptions = new Map<string, SubscriptionView>([
    ['arn:attrs', { attributes: { FilterPolicy: '{"eventType":["order.placed"]}' } }],
    [
      'arn:nested',
      { attributes: { FilterPolicy: '{"a":{"b":["c"]}}', FilterPolicyScope: 'MessageBody' } },
    ],
  ])
  const lookup = (arn: string) => subscriptions.get(arn)
  const subscribe = (attributes: Record<string, string>) => ({
    Action: 'Subscribe',
    TopicArn: 'arn:topic',
    Protocol: 'sqs',
    Endpoint: 'arn:queue',
    ...Object.fromEntries(
      Object.entries(attributes).flatMap(([key, value], i) => [
        [`Attributes.entry.${i + 1}.key`, key],
        [`Attributes.entry.${i + 1}.value`, value],
      ]),
    ),
  })

  it('passes every other action untouched', () => {
    expect(checkSubscriptionRequest({ Action: 'Publish', Message: '{' }, lookup)).toBeUndefined()
    expect(checkSubscriptionRequest({ Action: 'CreateTopic' }, lookup)).toBeUndefined()
  })

  it('checks Subscribe attributes with the scope given alongside', () => {
    const nested = JSON.stringify({ a: { b: ['c'] } })
    expect(checkSubscriptionRequest(subscribe({ FilterPolicy: nested }), lookup)).toEqual({
      message:
        'Invalid parameter: Attributes Reason: Filter policy scope MessageAttributes does not support nested filter policy',
    })
    expect(
      checkSubscriptionRequest(
        subscribe({ FilterPolicyScope: 'MessageBody', FilterPolicy: nested }),
        lookup,
      ),
    ).toBeUndefined()
    expect(
      checkSubscriptionRequest(subscribe({ FilterPolicyScope: 'Body' }), lookup)?.message,
    ).toBe(
      'Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [Body]. Please use either MessageBody or MessageAttributes',
    )
    expect(
      checkSubscriptionRequest(subscribe({ RawMessageDelivery: 'true' }), lookup),
    ).toBeUndefined()
  })

  it('checks SetSubscriptionAttributes against the subscription it changes', () => {
    const set = (arn: string, name: string, value: string) => ({
      Action: 'SetSubscriptionAttributes',
      SubscriptionArn: arn,
      AttributeName: name,
      AttributeValue: value,
    })
    expect(
      checkSubscriptionRequest(set('arn:nested', 'FilterPolicy', '{"x":{"y":["z"]}}'), lookup),
    ).toBeUndefined()
    expect(
      checkSubscriptionRequest(set('arn:attrs', 'FilterPolicy', '{"x":{"y":["z"]}}'), lookup)
        ?.message,
    ).toBe(
      'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy',
    )
    // Narrowing the scope under a nested policy would leave it unusable.
    expect(
      checkSubscriptionRequest(set('arn:nested', 'FilterPolicyScope', 'MessageAttributes'), lookup)
        ?.message,
    ).toBe(
      'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy',
    )
    // An empty policy removes it; other attributes and unknown subscriptions are fauxqs's.
    expect(checkSubscriptionRequest(set('arn:attrs', 'FilterPolicy', ''), lookup)).toBeUndefined()
    expect(
      checkSubscriptionRequest(set('arn:attrs', 'RawMessageDelivery', 'true'), lookup),
    ).toBeUndefined()
    expect(
      checkSubscriptionRequest(set('arn:missing', 'FilterPolicy', '{'), lookup),
    ).toBeUndefined()
  })
})

function values(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `value${i}`)
}

function policyWithKeys(n: number): Record<string, string[]> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, ['v']]))
}
