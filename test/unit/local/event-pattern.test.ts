import { describe, expect, it } from 'vitest'
import {
  matchesPattern,
  sqsFilterDocument,
} from '../../../local/lambda/event-sources/event-pattern.ts'

// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
describe('matchesPattern (Lambda FilterCriteria)', () => {
  const streamRecord = {
    eventName: 'INSERT',
    dynamodb: { NewImage: { pk: { S: 'a' }, n: { N: '5' } } },
  }

  it('matches a DynamoDB stream record on its event name and its images', () => {
    expect(matchesPattern({ eventName: ['INSERT'] }, streamRecord)).toBe(true)
    expect(matchesPattern({ dynamodb: { NewImage: { pk: { S: ['a'] } } } }, streamRecord)).toBe(
      true,
    )
    expect(matchesPattern({ eventName: ['REMOVE'] }, streamRecord)).toBe(false)
  })

  it('never matches numeric against an N value, which a stream record carries as a string', () => {
    const pattern = { dynamodb: { NewImage: { n: { N: [{ numeric: ['>', 1] }] } } } }
    expect(matchesPattern(pattern, streamRecord)).toBe(false)
    expect(matchesPattern({ dynamodb: { NewImage: { n: { N: ['5'] } } } }, streamRecord)).toBe(true)
  })

  it('matches an SQS record on its JSON body, numbers as numbers', () => {
    const record = sqsFilterDocument({ body: '{"amount": 12, "tags": ["a", "b"]}' })
    expect(matchesPattern({ body: { amount: [{ numeric: ['>=', 10] }] } }, record)).toBe(true)
    expect(matchesPattern({ body: { tags: ['b'] } }, record)).toBe(true)
    expect(matchesPattern({ body: ['{"amount": 12, "tags": ["a", "b"]}'] }, record)).toBe(false)
    const text = sqsFilterDocument({ body: 'plain' })
    expect(matchesPattern({ body: [{ prefix: 'pl' }] }, text)).toBe(true)
  })
})
