import { describe, expect, it } from 'vitest'
import { filterPolicyMatches } from '../../../local/sns-sqs/filter-policy.ts'

// The rules of https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html that the
// AWS-recorded vectors (test/unit/cli/filter-policy.test.ts) leave out.
const attributes = (entries: Record<string, [string, string]>) => ({
  attributes: Object.fromEntries(
    Object.entries(entries).map(([name, [DataType, StringValue]]) => [
      name,
      { DataType, StringValue },
    ]),
  ),
})
const onAttributes = (policy: unknown, message: ReturnType<typeof attributes>) =>
  filterPolicyMatches(policy, 'MessageAttributes', message)
const onBody = (policy: unknown, body: unknown) =>
  filterPolicyMatches(policy, 'MessageBody', { attributes: {}, body })

describe('filterPolicyMatches', () => {
  it('matches numbers against Number attributes and strings against String ones, never across', () => {
    const price = attributes({ price: ['Number', '10'], code: ['String', '10'] })
    expect(onAttributes({ price: [10] }, price)).toBe(true)
    expect(onAttributes({ code: [10] }, price)).toBe(false)
    expect(onAttributes({ code: [{ numeric: ['=', 10] }] }, price)).toBe(false)
    expect(onAttributes({ price: ['10'] }, price)).toBe(false)
    expect(onBody({ n: [{ numeric: ['>', 1] }] }, { n: '5' })).toBe(false)
    expect(onBody({ n: [{ numeric: ['>', 1] }] }, { n: 5 })).toBe(true)
  })

  it('never matches an absent key except with exists: false (null and anything-but included)', () => {
    const none = attributes({})
    expect(onAttributes({ a: [null] }, none)).toBe(false)
    expect(onAttributes({ a: [{ 'anything-but': 'x' }] }, none)).toBe(false)
    expect(onAttributes({ a: [{ exists: false }] }, none)).toBe(true)
    expect(onBody({ a: [null] }, { a: null })).toBe(true)
    expect(onBody({ a: [null] }, {})).toBe(false)
  })

  it('matches a String.Array attribute by any member, numbers as numbers', () => {
    const tags = attributes({ tags: ['String.Array', '["red", 7, true]'] })
    expect(onAttributes({ tags: ['red'] }, tags)).toBe(true)
    expect(onAttributes({ tags: [7] }, tags)).toBe(true)
    expect(onAttributes({ tags: [true] }, tags)).toBe(true)
    expect(onAttributes({ tags: [{ 'anything-but': ['red', 7, true] }] }, tags)).toBe(false)
  })

  it('takes a Binary attribute as present with no value to match', () => {
    const blob = attributes({ blob: ['Binary', 'AAAA'] })
    expect(onAttributes({ blob: [{ exists: true }] }, blob)).toBe(true)
    expect(onAttributes({ blob: ['AAAA'] }, blob)).toBe(false)
  })

  it('matches cidr blocks of both families and nothing across them', () => {
    const ip = (address: string, cidr: string) => onBody({ ip: [{ cidr }] }, { ip: address })
    expect(ip('10.0.0.255', '10.0.0.0/24')).toBe(true)
    expect(ip('10.0.1.0', '10.0.0.0/24')).toBe(false)
    expect(ip('2001:db8:1234:1aff::1', '2001:db8:1234:1a00::/56')).toBe(true)
    expect(ip('2001:db8:1234:1b00::', '2001:db8:1234:1a00::/56')).toBe(false)
    expect(ip('10.0.0.1', '2001:db8::/32')).toBe(false)
  })

  it('reads a body that is not a JSON object as matching no policy', () => {
    expect(onBody({ a: [{ exists: false }] }, 'text')).toBe(false)
    expect(onBody({ a: [{ exists: false }] }, [1])).toBe(false)
  })

  it('with partial attributes: undecided on an attribute not given, false when a given one fails', () => {
    const partial = (policy: unknown) =>
      filterPolicyMatches(policy, 'MessageAttributes', attributes({ t: ['String', 'a'] }), {
        partial: true,
      })
    expect(partial({ t: ['a'], u: ['b'] })).toBeUndefined()
    expect(partial({ t: ['z'], u: ['b'] })).toBe(false)
    expect(partial({ $or: [{ t: ['a'] }, { u: ['b'] }] })).toBe(true)
  })
})
