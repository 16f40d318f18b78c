import { createRequire } from 'node:module'

/**
 * A memo for dynalite's expression parsers (condition, update, projection). They are PEG
 * parsers run on every request, and on the pipeline's hot path they were the largest cost of
 * the embedded DynamoDB (15% of the main thread in a 400-order burst): every idempotency
 * transaction repeats the same two expressions ten times, with other values.
 *
 * A parse depends on the expression, the attribute names it resolves, and (for its type
 * checks) the type of each attribute value, not on the values, except in two places:
 * BETWEEN compares its bounds and `attribute_type` reads its operand; expressions using
 * either are never memoized. A memoized parse is the first parse's tree with the values
 * taken out; a later request with the same expression, names and value types gets a copy
 * with its own values put in (the very objects of its request, as the parser puts them).
 * Only successful parses are memoized, so errors are always the parser's own. The first
 * reuse of each entry is checked against a real parse, and an entry whose copy differs is
 * never used again.
 */

interface PegParser {
  parse(input: string, options: { context: ParseContext }): unknown
}

interface ParseContext {
  attrNames?: Record<string, string>
  attrVals?: Record<string, unknown>
  unusedAttrNames?: Record<string, unknown>
  unusedAttrVals?: Record<string, unknown>
  isKeyCondition?: boolean
  [key: string]: unknown
}

interface Entry {
  readonly template: unknown
  readonly usedNames: readonly string[]
  readonly usedVals: readonly string[]
  state: 'unverified' | 'verified' | 'unusable'
}

/** Where a value of the request goes in a memoized tree. */
class ValueSlot {
  readonly name: string
  constructor(name: string) {
    this.name = name
  }
}

const attributeTypes = ['S', 'N', 'B', 'NULL', 'BOOL', 'SS', 'NS', 'BS', 'L', 'M']
const valueDependent = /between|attribute_type/i
const maxEntries = 2000

/** Memoizes one parser; the returned function has the parser's `parse` signature. */
function memoizedParse(parser: PegParser): PegParser['parse'] {
  const original = parser.parse.bind(parser)
  const entries = new Map<string, Entry>()

  return (input, options) => {
    const context = options.context
    const key = cacheKey(input, context)
    if (key === undefined) return original(input, options)
    const entry = entries.get(key)
    if (entry && entry.state !== 'unusable') {
      const values = context.attrVals ?? {}
      const copy = instantiate(entry.template, values, new Map())
      if (entry.state === 'unverified') {
        const real = original(input, options)
        if (isObject(real) && sameTree(copy, real)) entry.state = 'verified'
        else {
          entry.state = 'unusable'
          return real
        }
      } else {
        for (const name of entry.usedNames) delete context.unusedAttrNames?.[name]
        for (const name of entry.usedVals) delete context.unusedAttrVals?.[name]
      }
      return copy
    }
    if (entry) return original(input, options)

    // A parse of our own, on fresh "unused" sets, to learn which names and values it uses.
    const names = Object.keys(context.attrNames ?? {})
    const vals = Object.keys(context.attrVals ?? {})
    const scratch: ParseContext = {
      ...context,
      unusedAttrNames: Object.fromEntries(names.map((n) => [n, true])),
      unusedAttrVals: Object.fromEntries(vals.map((n) => [n, true])),
    }
    const result = original(input, { ...options, context: scratch })
    const usedNames = names.filter((n) => !(n in (scratch.unusedAttrNames ?? {})))
    const usedVals = vals.filter((n) => !(n in (scratch.unusedAttrVals ?? {})))
    for (const name of usedNames) delete context.unusedAttrNames?.[name]
    for (const name of usedVals) delete context.unusedAttrVals?.[name]
    if (isObject(result)) {
      const slots = new Map<unknown, ValueSlot>()
      for (const name of vals) slots.set(context.attrVals?.[name], new ValueSlot(name))
      if (entries.size >= maxEntries) entries.clear()
      entries.set(key, {
        template: templatize(result, slots, new Map()),
        usedNames,
        usedVals,
        state: 'unverified',
      })
    }
    return result
  }
}

/** The memo key, or undefined when this parse is not to be memoized. */
function cacheKey(input: string, context: ParseContext): string | undefined {
  if (valueDependent.test(input)) return undefined
  const types: string[] = []
  for (const [name, value] of Object.entries(context.attrVals ?? {})) {
    if (!isObject(value) || Array.isArray(value)) return undefined
    const keys = Object.keys(value)
    const type = keys[0]
    if (keys.length !== 1 || type === undefined || !attributeTypes.includes(type)) return undefined
    if ((value as Record<string, unknown>)[type] == null) return undefined
    types.push(`${name}:${type}`)
  }
  return JSON.stringify([
    input,
    context.isKeyCondition === true,
    context.attrNames === undefined ? null : Object.entries(context.attrNames),
    types,
  ])
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null
}

/** A copy of a parse tree with each request value replaced by its slot; shared nodes stay shared. */
function templatize(
  node: unknown,
  slots: Map<unknown, ValueSlot>,
  seen: Map<object, unknown>,
): unknown {
  if (!isObject(node)) return node
  const slot = slots.get(node)
  if (slot) return slot
  return copyNode(node, seen, (child) => templatize(child, slots, seen))
}

/** A memoized tree with the request's values put in its slots. */
function instantiate(
  node: unknown,
  values: Record<string, unknown>,
  seen: Map<object, unknown>,
): unknown {
  if (!isObject(node)) return node
  if (node instanceof ValueSlot) return values[node.name]
  return copyNode(node, seen, (child) => instantiate(child, values, seen))
}

function copyNode(
  node: object,
  seen: Map<object, unknown>,
  copyChild: (child: unknown) => unknown,
) {
  const done = seen.get(node)
  if (done !== undefined) return done
  if (Array.isArray(node)) {
    const copy: unknown[] = []
    seen.set(node, copy)
    for (const child of node) copy.push(copyChild(child))
    return copy
  }
  const copy = Object.create(Object.getPrototypeOf(node)) as Record<string, unknown>
  seen.set(node, copy)
  for (const [name, child] of Object.entries(node)) copy[name] = copyChild(child)
  return copy
}

/** Whether two parse trees are the same: equal primitives, identical or equal objects. */
function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (!isObject(a) || !isObject(b)) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  const keysA = Object.keys(a)
  const keysB = Object.keys(b)
  if (keysA.length !== keysB.length) return false
  for (let i = 0; i < keysA.length; i++) {
    const name = keysA[i] as string
    if (name !== keysB[i]) return false
    if (!sameTree((a as Record<string, unknown>)[name], (b as Record<string, unknown>)[name]))
      return false
  }
  return true
}

const require = createRequire(import.meta.url)
let installed = false

/**
 * dynalite's expression parsers (`dynalite/db/<name>.js`), loaded by path; each is
 * smoke-tested in test/unit/local/dependency-internals.test.ts.
 */
export const dynaliteExpressionParsers = ['conditionParser', 'updateParser', 'projectionParser']

/**
 * Puts the memo in front of dynalite's three expression parsers, which its validations call
 * through their module objects. Idempotent.
 */
export function memoizeDynaliteExpressionParsers(): void {
  if (installed) return
  installed = true
  for (const name of dynaliteExpressionParsers) {
    const parser = require(`dynalite/db/${name}.js`) as PegParser
    parser.parse = memoizedParse(parser)
  }
}
