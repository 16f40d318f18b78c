import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeShardIterator,
  encodeShardIterator,
} from '../../../../local/dynamodb/streams/shard-iterator.ts'

// A shard iterator is opaque to its reader: GetRecords must get back exactly the position
// GetShardIterator put in it, and must tell a string that is not one of its iterators apart
// (DynamoDB answers ValidationException to it) rather than read from a made-up position.

const sequenceNumber = fc
  .bigInt({ min: 0n, max: 10n ** 20n - 1n })
  .map((n) => String(10n ** 20n + n))
const position = fc.record({
  streamArn: fc.string({ minLength: 1 }),
  shardId: fc.string({ minLength: 1 }),
  after: sequenceNumber,
  issuedAtMs: fc.integer({ min: 0 }),
})
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

describe('shard iterators', () => {
  it('carry their position there and back', () => {
    fc.assert(
      fc.property(position, (p) => {
        expect(decodeShardIterator(encodeShardIterator(p))).toEqual(p)
      }),
    )
  })

  const arn = 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-12-01T00:00:00.000'
  const shard = 'shardId-00000001796083200000-0a1b2c3d'
  const after = '100000000000000000042'
  it.each([
    ['not base64 JSON', 'not-an-iterator'],
    ['JSON but not a list', encode({ arn, shard, after, at: 1 })],
    ['a list too short', encode([arn, shard, after])],
    ['a list too long', encode([arn, shard, after, 1, 'more'])],
    ['a position that is a number of 21 digits', encode([arn, shard, 1e20, 1])],
    ['a stream that is not a string', encode([1, shard, after, 1])],
    ['a shard that is not a string', encode([arn, null, after, 1])],
    ['a position that is not a string', encode([arn, shard, 42, 1])],
    ['a position that is not a sequence number', encode([arn, shard, `${after}0`, 1])],
    ['a position with a non-digit', encode([arn, shard, `x${after.slice(1)}`, 1])],
    ['an issue time that is not a number', encode([arn, shard, after, '1'])],
  ])('are told apart from %s', (_, iterator) => {
    expect(decodeShardIterator(iterator)).toBeUndefined()
  })
})
