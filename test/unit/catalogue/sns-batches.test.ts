import { describe, expect, it } from 'vitest'
import { snsBatches, snsMessageBytes } from '../../../functions/catalogue/sns-batches.ts'

const sizes = (bytes: number[]) =>
  [...snsBatches(bytes.map((b) => ({ bytes: b })))].map((batch) => batch.map((i) => i.bytes))

describe('snsBatches', () => {
  it('puts at most 10 messages in a request', () => {
    expect(sizes(Array(23).fill(1)).map((batch) => batch.length)).toEqual([10, 10, 3])
  })

  it('keeps a request within 256 KiB, in order', () => {
    expect(sizes([200_000, 62_144, 1, 100_000])).toEqual([
      [200_000, 62_144],
      [1, 100_000],
    ])
  })

  it('sends a message over the limit alone, for SNS to refuse with its reason', () => {
    expect(sizes([10, 300_000, 10])).toEqual([[10], [300_000], [10]])
  })

  it('yields nothing for nothing', () => {
    expect(sizes([])).toEqual([])
  })
})

describe('snsMessageBytes', () => {
  it('counts the body and each attribute’s name, type and value in UTF-8 bytes', () => {
    expect(
      snsMessageBytes('é', { eventType: { DataType: 'String', StringValue: 'order.placed' } }),
    ).toBe(2 + 9 + 6 + 12)
  })
})
