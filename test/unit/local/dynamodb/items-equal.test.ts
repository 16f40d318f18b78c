import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { WireItem } from '../../../../local/dynamodb/dynalite-store.ts'
import { itemsEqual } from '../../../../local/dynamodb/items-equal.ts'

// DynamoDB compares numbers by value (leading and trailing zeros are not significant, an
// exponent is just another spelling) and sets regardless of order: an update that rewrites
// an item with the same data in another spelling changes nothing, so it makes no stream record.
const n = (text: string): WireItem => ({ v: { N: text } })
const sameNumber = (a: string, b: string) => itemsEqual(n(a), n(b))

describe('itemsEqual (whether a write changed an item, as DynamoDB sees it)', () => {
  it('takes numbers by value, whatever their spelling', () => {
    for (const [a, b] of [
      ['1', '1.0'],
      ['5', '5.'],
      ['0.5', '.5'],
      ['12', '12.000'],
      ['1.5', '1.50'],
      ['-0012.50e1', '-125'],
      ['100', '1e2'],
      ['100', '1E2'],
      ['100', '1e+2'],
      ['10', '1e1'],
      ['0.01', '1e-2'],
      ['1.5', '15e-1'],
      ['10000000000', '1e10'],
      ['5', '+5'],
      ['005', '5'],
      ['0', '0.000'],
    ])
      expect(sameNumber(a as string, b as string), `${a} = ${b}`).toBe(true)
  })

  it('tells different numbers apart', () => {
    for (const [a, b] of [
      ['1', '2'],
      ['-1', '1'],
      ['1', '10'],
      ['100', '1e1'],
      ['1e12', '11e2'],
      ['0', '1'],
      ['0.1', '1'],
    ])
      expect(sameNumber(a as string, b as string), `${a} ≠ ${b}`).toBe(false)
  })

  it('tells a number from a string or a binary of the same text', () => {
    expect(itemsEqual({ v: { N: '1' } }, { v: { S: '1' } })).toBe(false)
    expect(itemsEqual({ v: { S: '1' } }, { v: { N: '1' } })).toBe(false)
    expect(itemsEqual({ v: { S: 'AQ==' } }, { v: { B: 'AQ==' } })).toBe(false)
  })

  it('compares strings, booleans and nulls exactly', () => {
    expect(itemsEqual({ v: { S: 'a' } }, { v: { S: 'a' } })).toBe(true)
    expect(itemsEqual({ v: { S: 'a' } }, { v: { S: 'b' } })).toBe(false)
    expect(itemsEqual({ v: { S: '1.0' } }, { v: { S: '1' } })).toBe(false)
    expect(itemsEqual({ v: { BOOL: true } }, { v: { BOOL: false } })).toBe(false)
    expect(itemsEqual({ v: { NULL: true } }, { v: { NULL: true } })).toBe(true)
  })

  it('takes sets regardless of order, number sets by value', () => {
    expect(itemsEqual({ v: { SS: ['x', 'y'] } }, { v: { SS: ['y', 'x'] } })).toBe(true)
    expect(itemsEqual({ v: { BS: ['AQ==', 'Ag=='] } }, { v: { BS: ['Ag==', 'AQ=='] } })).toBe(true)
    expect(itemsEqual({ v: { NS: ['2.50', '1.0'] } }, { v: { NS: ['1', '2.5'] } })).toBe(true)
    expect(itemsEqual({ v: { SS: ['x'] } }, { v: { SS: ['x', 'y'] } })).toBe(false)
    expect(itemsEqual({ v: { SS: ['x', 'y'] } }, { v: { SS: ['x', 'z'] } })).toBe(false)
    expect(itemsEqual({ v: { BS: ['AQ=='] } }, { v: { BS: ['Ag=='] } })).toBe(false)
    expect(itemsEqual({ v: { NS: ['1', '3'] } }, { v: { NS: ['1', '2'] } })).toBe(false)
  })

  it('takes lists in order, element by element', () => {
    const list = (...values: string[]): WireItem => ({ v: { L: values.map((N) => ({ N })) } })
    expect(itemsEqual(list('1', '2'), list('1.0', '2'))).toBe(true)
    expect(itemsEqual(list('1', '2'), list('2', '1'))).toBe(false)
    expect(itemsEqual(list('1', '2'), list('1', '3'))).toBe(false)
    expect(itemsEqual(list('1', '2'), list('1'))).toBe(false)
  })

  it('takes maps as items: the same names with equal values', () => {
    const map = (M: WireItem): WireItem => ({ v: { M } })
    expect(
      itemsEqual(map({ a: { N: '1' }, b: { S: 'x' } }), map({ b: { S: 'x' }, a: { N: '1.0' } })),
    ).toBe(true)
    expect(itemsEqual(map({ a: { N: '1' } }), map({ a: { N: '2' } }))).toBe(false)
    expect(itemsEqual(map({ a: { N: '1' } }), map({ b: { N: '1' } }))).toBe(false)
  })

  it('tells items apart by their attributes’ names and number', () => {
    const item = { pk: { S: 'a' }, n: { N: '1' } }
    expect(itemsEqual(item, { ...item })).toBe(true)
    expect(itemsEqual(item, { pk: { S: 'a' } })).toBe(false)
    expect(itemsEqual({ pk: { S: 'a' } }, item)).toBe(false)
    expect(itemsEqual(item, { pk: { S: 'a' }, m: { N: '1' } })).toBe(false)
  })

  const attributeValue = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.string().map((S) => ({ S })),
      fc.integer().map((i) => ({ N: String(i) })),
      fc.boolean().map((BOOL) => ({ BOOL })),
      fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 4 }).map((SS) => ({ SS })),
      fc.array(tie('value'), { maxLength: 3 }).map((L) => ({ L })),
      fc.dictionary(fc.string({ minLength: 1 }), tie('value'), { maxKeys: 3 }).map((M) => ({ M })),
    ),
  })).value as fc.Arbitrary<WireItem[string]>
  const item = fc.dictionary(fc.string({ minLength: 1 }), attributeValue, { maxKeys: 5 })

  it('is an equivalence: every item equals itself and its copy, both ways', () => {
    fc.assert(
      fc.property(item, item, (a, b) => {
        expect(itemsEqual(a, structuredClone(a))).toBe(true)
        expect(itemsEqual(a, b)).toBe(itemsEqual(b, a))
      }),
    )
  })

  it('sees any integer rewritten with a fraction or an exponent as the same number', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(5), (i, zeros) => {
        expect(sameNumber(String(i), `${i}.${'0'.repeat(zeros)}`)).toBe(true)
        expect(sameNumber(String(i * 10 ** zeros), `${i}e${zeros}`)).toBe(true)
        expect(sameNumber(String(i), String(i + 1))).toBe(false)
      }),
    )
  })
})
