import type { SQSMessageAttributes } from 'aws-lambda'
import { describe, expect, it } from 'vitest'
import { deadLetterAttributes, type FailureMetadata } from '../../../functions/runtime/index.ts'

const failure: FailureMetadata = {
  errorName: 'PermanentError',
  errorMessage: 'no such sku',
  consumer: 'inventory',
  attempts: 3,
  firstFailureAt: 1_777_000_000,
  lastFailureAt: 1_777_000_060,
}

function originals(count: number): SQSMessageAttributes {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `a${i}`,
      { dataType: 'String', stringValue: `v${i}`, stringListValues: [], binaryListValues: [] },
    ]),
  )
}

describe('deadLetterAttributes', () => {
  it('keeps the original attributes and adds six failure attributes when they fit', () => {
    const attributes = deadLetterAttributes(
      {
        ...originals(2),
        blob: {
          dataType: 'Binary',
          binaryValue: Buffer.from('hi').toString('base64'),
          stringListValues: [],
          binaryListValues: [],
        },
      },
      failure,
    )
    expect(Object.keys(attributes)).toHaveLength(9)
    expect(attributes.a0).toEqual({ DataType: 'String', StringValue: 'v0' })
    expect(Buffer.from(attributes.blob!.BinaryValue!).toString()).toBe('hi')
    expect(attributes['failure.attempts']).toEqual({ DataType: 'Number', StringValue: '3' })
    expect(attributes['failure.firstFailureAt']!.StringValue).toBe('2026-04-24T03:06:40.000Z')
    expect(attributes['failure.lastFailureAt']!.StringValue).toBe('2026-04-24T03:07:40.000Z')
  })

  it('folds the metadata into one JSON attribute when six would pass SQS’s 10', () => {
    const attributes = deadLetterAttributes(originals(5), failure)
    expect(Object.keys(attributes)).toHaveLength(6)
    expect(JSON.parse(attributes.failure!.StringValue!)).toMatchObject({
      errorName: 'PermanentError',
      consumer: 'inventory',
      attempts: 3,
    })
  })

  it('moves the tenth original attribute into the JSON when the message already has 10', () => {
    const attributes = deadLetterAttributes(originals(10), failure)
    expect(Object.keys(attributes)).toHaveLength(10)
    expect(attributes.a9).toBeUndefined()
    expect(JSON.parse(attributes.failure!.StringValue!).overflow).toEqual({
      a9: { dataType: 'String', stringValue: 'v9' },
    })
  })

  it('replaces the metadata of an earlier dead-lettering (a redriven message) instead of keeping both', () => {
    const earlier = deadLetterAttributes(originals(2), { ...failure, errorName: 'OldError' })
    const redriven: SQSMessageAttributes = Object.fromEntries(
      Object.entries(earlier).map(([name, value]) => [
        name,
        {
          dataType: value.DataType!,
          stringValue: value.StringValue!,
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    )
    const attributes = deadLetterAttributes(redriven, { ...failure, attempts: 1 })
    expect(Object.keys(attributes).sort()).toEqual(Object.keys(earlier).sort())
    expect(attributes['failure.errorName']!.StringValue).toBe('PermanentError')
    expect(attributes['failure.attempts']!.StringValue).toBe('1')

    const folded = deadLetterAttributes(
      { ...originals(5), failure: redriven['failure.errorName']! },
      failure,
    )
    expect(Object.keys(folded).sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'failure'])
    expect(JSON.parse(folded.failure!.StringValue!).errorName).toBe('PermanentError')
  })

  it('keeps six attributes up to the limit: four originals and the metadata make exactly 10', () => {
    const attributes = deadLetterAttributes(originals(4), failure)
    expect(Object.keys(attributes)).toHaveLength(10)
    expect(attributes.failure).toBeUndefined()
    expect(attributes['failure.errorName']).toEqual({
      DataType: 'String',
      StringValue: 'PermanentError',
    })
    expect(attributes['failure.consumer']).toEqual({ DataType: 'String', StringValue: 'inventory' })
    expect(attributes['failure.errorMessage']).toEqual({
      DataType: 'String',
      StringValue: 'no such sku',
    })
    expect(attributes['failure.attempts']).toEqual({ DataType: 'Number', StringValue: '3' })
  })

  it('with nine originals, folds the metadata into a String JSON attribute and moves nothing', () => {
    const attributes = deadLetterAttributes(originals(9), failure)
    expect(Object.keys(attributes)).toHaveLength(10)
    expect(attributes.a8).toEqual({ DataType: 'String', StringValue: 'v8' })
    expect(attributes.failure?.DataType).toBe('String')
    expect(JSON.parse(attributes.failure!.StringValue!)).not.toHaveProperty('overflow')
  })

  it('drops every stale failure attribute of a redriven message before counting what fits', () => {
    // Four originals and the six attributes of an earlier dead-lettering: ten in all. Only
    // the four count, so the new metadata gets six attributes of its own again.
    const earlier = deadLetterAttributes(originals(4), {
      ...failure,
      errorName: 'OldError',
      consumer: 'payments',
    })
    const redriven: SQSMessageAttributes = Object.fromEntries(
      Object.entries(earlier).map(([name, value]) => [
        name,
        {
          dataType: value.DataType!,
          stringValue: value.StringValue!,
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    )
    const attributes = deadLetterAttributes(redriven, failure)
    expect(Object.keys(attributes)).toHaveLength(10)
    expect(attributes.failure).toBeUndefined()
    expect(attributes['failure.errorName']!.StringValue).toBe('PermanentError')
    expect(attributes['failure.consumer']!.StringValue).toBe('inventory')
  })

  it('replaces characters SQS refuses in an attribute value, so the DLQ accepts the message', () => {
    // A handler's message may quote event data: JSON's "\u0000" is a real NUL once parsed.
    const attributes = deadLetterAttributes(undefined, {
      ...failure,
      errorMessage: 'bad sku "A\u0000\u001b[1m" \ud800 ok\ttab',
    })
    expect(attributes['failure.errorMessage']!.StringValue).toBe(
      'bad sku "A\ufffd\ufffd[1m" \ufffd ok\ttab',
    )
  })

  it('truncates a long error message', () => {
    const attributes = deadLetterAttributes(undefined, {
      ...failure,
      errorMessage: 'x'.repeat(5000),
    })
    expect(attributes['failure.errorMessage']!.StringValue).toHaveLength(1024)
  })
})
