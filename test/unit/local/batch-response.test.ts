import { describe, expect, it } from 'vitest'
import { failedItems } from '../../../local/lambda/event-sources/batch-response.ts'

// Both the SQS and the DynamoDB Streams mappings read a function's response through failedItems.
describe('failedItems (ReportBatchItemFailures)', () => {
  const batch = new Set(['a', 'b'])

  it.each([
    ['null', null],
    ['undefined', undefined],
    ["''", ''],
    ['[]', []],
    ['{}', {}],
    ['an empty batchItemFailures', { batchItemFailures: [] }],
    ['a null batchItemFailures', { batchItemFailures: null }],
  ])('reads %s as a complete success', (_, response) => {
    expect(failedItems(response, batch)).toEqual(new Set())
  })

  it.each([
    ['a number', 42],
    ['a non-empty list', [{ itemIdentifier: 'a' }]],
    ['a batchItemFailures that is not a list', { batchItemFailures: 'a' }],
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['an identifier not in the batch', { batchItemFailures: [{ itemIdentifier: 'z' }] }],
  ])('reads %s as a failure of the whole batch', (_, response) => {
    expect(failedItems(response, batch)).toBe('batch')
  })

  it('returns the identifiers the response names', () => {
    expect(failedItems({ batchItemFailures: [{ itemIdentifier: 'b' }] }, batch)).toEqual(
      new Set(['b']),
    )
  })
})
