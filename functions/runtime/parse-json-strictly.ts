import { InvalidRecordError } from './errors.ts'
import { nestsDeeperThan } from './json-depth.ts'
import { runtimeDefaults } from './runtime-defaults.ts'

/**
 * JSON.parse that refuses, before parsing, text nested deeper than `maxJsonDepth`, and
 * after it prototype-polluting keys (`__proto__`, `constructor.prototype`) anywhere,
 * naming where it found one. JSON.parse itself makes them plain own properties; the danger
 * is in code that later merges the value into another object.
 */
export function parseJsonStrictly(text: string, what: string): unknown {
  const { maxJsonDepth } = runtimeDefaults
  if (nestsDeeperThan(text, maxJsonDepth)) {
    throw new InvalidRecordError(
      'too-deep',
      `${what} nests objects and arrays deeper than ${maxJsonDepth} levels; it is refused unread`,
    )
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new InvalidRecordError(
      'malformed-json',
      `${what} is not valid JSON: ${(error as Error).message}`,
      { cause: error },
    )
  }
  // Only walk the value when the text could hold such a key: the common case stays one scan.
  // A \u escape can spell one (`"\u005f_proto__"`), so any escape means a walk too.
  if (text.includes('__proto__') || text.includes('prototype') || text.includes('\\u')) {
    const path = forbiddenKeyPath(value, [])
    if (path) {
      throw new InvalidRecordError(
        'forbidden-key',
        `${what} has a forbidden key at '${path.join('.')}' (prototype pollution); it is refused`,
      )
    }
  }
  return value
}

function forbiddenKeyPath(value: unknown, path: string[]): string[] | undefined {
  if (value === null || typeof value !== 'object') return undefined
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key]
    if (key === '__proto__') return [...path, key]
    if (
      key === 'constructor' &&
      child !== null &&
      typeof child === 'object' &&
      Object.hasOwn(child, 'prototype')
    ) {
      return [...path, key, 'prototype']
    }
    const found = forbiddenKeyPath(child, [...path, key])
    if (found) return found
  }
  return undefined
}
