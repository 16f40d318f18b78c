import type { WireItem } from './dynalite-store.ts'

/**
 * Whether two items hold the same data as DynamoDB sees it: numbers by value (`1.0` = `1`), sets
 * regardless of order. A write that leaves an item equal makes no stream record.
 */
export function itemsEqual(a: WireItem, b: WireItem): boolean {
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((name) => name in b && valuesEqual(a[name], b[name]))
}

function valuesEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b
  const [typeA] = Object.keys(a)
  const [typeB] = Object.keys(b)
  if (typeA === undefined || typeA !== typeB) return false
  const x = (a as Record<string, unknown>)[typeA]
  const y = (b as Record<string, unknown>)[typeA]
  switch (typeA) {
    case 'N':
      return x === y || numbersEqual(x as string, y as string)
    case 'SS':
    case 'BS':
      return setsEqual(x as string[], y as string[], (p, q) => p === q)
    case 'NS':
      return setsEqual(x as string[], y as string[], (p, q) => p === q || numbersEqual(p, q))
    case 'L': {
      const listA = x as unknown[]
      const listB = y as unknown[]
      return listA.length === listB.length && listA.every((v, i) => valuesEqual(v, listB[i]))
    }
    case 'M':
      return itemsEqual(x as WireItem, y as WireItem)
    default:
      return x === y
  }
}

function numbersEqual(a: string, b: string): boolean {
  return normalizeNumber(a) === normalizeNumber(b)
}

/** `-0012.50e1` → `-125e0`: significant digits without leading or trailing zeros, and an exponent. */
function normalizeNumber(text: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim())
  if (!match) return text
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match
  let digits = (whole + fraction).replace(/^0+/, '')
  let power = Number(exponent) - fraction.length
  while (digits.endsWith('0')) {
    digits = digits.slice(0, -1)
    power++
  }
  if (!digits) return '0'
  return `${sign === '-' ? '-' : ''}${digits}e${power}`
}

function setsEqual(a: string[], b: string[], same: (p: string, q: string) => boolean): boolean {
  return a.length === b.length && a.every((p) => b.some((q) => same(p, q)))
}
