/**
 * Matching of event patterns, the language of Lambda's `FilterCriteria` (and of SNS
 * filter policies): every key of the pattern must match the event's value at that key;
 * nested objects match nested objects; a list of matchers matches when any matcher
 * matches (and an event list when any element does). Matchers: literal strings, numbers,
 * booleans and null; `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but`,
 * `numeric`, `exists`; and `$or` for alternatives.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) return false
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (
        !Array.isArray(expected) ||
        !expected.some((alternative) => matchesPattern(alternative, event))
      ) {
        return false
      }
      continue
    }
    const actual = isObject(event) ? event[key] : undefined
    if (Array.isArray(expected)) {
      if (!matchesLeaf(expected, actual)) return false
    } else if (isObject(expected)) {
      if (!isObject(actual) || !matchesPattern(expected, actual)) return false
    } else {
      return false
    }
  }
  return true
}

function matchesLeaf(matchers: readonly unknown[], actual: unknown): boolean {
  const values = Array.isArray(actual) ? actual : [actual]
  return matchers.some((matcher) => {
    if (isObject(matcher) && 'exists' in matcher) {
      return matcher.exists === (actual !== undefined && !isObject(actual))
    }
    return values.some((value) => value !== undefined && matchesValue(matcher, value))
  })
}

function matchesValue(matcher: unknown, value: unknown): boolean {
  if (!isObject(matcher)) {
    if (typeof matcher === 'number' && typeof value === 'number') return matcher === value
    if (typeof matcher === 'number' && typeof value === 'string' && value.trim() !== '') {
      return Number(value) === matcher
    }
    return matcher === value
  }
  const [operator, operand] = Object.entries(matcher)[0] ?? []
  const text = typeof value === 'string' ? value : undefined
  switch (operator) {
    case 'prefix':
      return text !== undefined && affix(operand, text, (s, a) => s.startsWith(a))
    case 'suffix':
      return text !== undefined && affix(operand, text, (s, a) => s.endsWith(a))
    case 'equals-ignore-case':
      return (
        text !== undefined &&
        typeof operand === 'string' &&
        text.toLowerCase() === operand.toLowerCase()
      )
    case 'wildcard':
      return text !== undefined && typeof operand === 'string' && wildcard(operand).test(text)
    case 'anything-but': {
      if (Array.isArray(operand)) return !operand.some((excluded) => matchesValue(excluded, value))
      return !matchesValue(operand, value)
    }
    case 'numeric':
      return numeric(operand, value)
    default:
      return false
  }
}

/** `{"prefix": "a"}` or `{"prefix": {"equals-ignore-case": "a"}}`. */
function affix(
  operand: unknown,
  text: string,
  test: (s: string, affix: string) => boolean,
): boolean {
  if (typeof operand === 'string') return test(text, operand)
  if (isObject(operand) && typeof operand['equals-ignore-case'] === 'string') {
    return test(text.toLowerCase(), operand['equals-ignore-case'].toLowerCase())
  }
  return false
}

function numeric(operand: unknown, value: unknown): boolean {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim()
        ? Number(value)
        : Number.NaN
  if (!Array.isArray(operand) || Number.isNaN(n)) return false
  for (let i = 0; i + 1 < operand.length; i += 2) {
    const bound = Number(operand[i + 1])
    const ok =
      operand[i] === '='
        ? n === bound
        : operand[i] === '>'
          ? n > bound
          : operand[i] === '>='
            ? n >= bound
            : operand[i] === '<'
              ? n < bound
              : operand[i] === '<='
                ? n <= bound
                : false
    if (!ok) return false
  }
  return true
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${escaped.join('.*')}$`, 's')
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The document Lambda filters an SQS record on: the record, with `body` parsed when it
 * is JSON (a body that is not JSON can only be matched as a plain string).
 */
export function sqsFilterDocument(record: { body: string }): unknown {
  try {
    return { ...record, body: JSON.parse(record.body) }
  } catch {
    return record
  }
}
