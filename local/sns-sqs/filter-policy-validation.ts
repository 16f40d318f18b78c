import { isIP } from 'node:net'
import { sendAwsError } from '../aws-errors.ts'
import type { HookReply, HookRequest } from './fastify-hook.ts'

/**
 * SNS subscription filter-policy validation as AWS does it, in front of fauxqs (which checks
 * little more than the key count). Rules from the AWS SNS docs ("Filter policy constraints",
 * the operator pages) and the reasons AWS gave in the recorded vectors
 * (test/fixtures/parity/sns-filter-policy.vectors.json; ids cited per rule below).
 *
 * Pure functions over parsed JSON: nothing here copies a policy into another object, so keys
 * such as `__proto__` are only ever read as data.
 */

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody'

const scopes: ReadonlySet<string> = new Set(['MessageAttributes', 'MessageBody'])

/** Why AWS rejects an attribute: which attribute (if the message names it) and the reason. */
export interface FilterPolicyViolation {
  readonly attribute: 'FilterPolicy' | 'FilterPolicyScope' | undefined
  readonly reason: string
}

/** AWS caps the combinations of values in a policy at 150 and its keys at 5. */
const MAX_COMBINATIONS = 150
const MAX_KEYS = 5

class Violation extends Error {
  readonly attribute: FilterPolicyViolation['attribute']
  /** `named`: whether AWS's message names the FilterPolicy attribute before the reason. */
  constructor(reason: string, named = true) {
    super(reason)
    this.attribute = named ? 'FilterPolicy' : undefined
  }
}

/**
 * The AWS error message for a violation: `Invalid parameter: [Attributes Reason: ]…`; Subscribe
 * carries subscription attributes in its `Attributes` map, which AWS names in the message.
 */
export function violationMessage(
  violation: FilterPolicyViolation,
  operation: 'Subscribe' | 'SetSubscriptionAttributes',
): string {
  const where = operation === 'Subscribe' ? 'Attributes Reason: ' : ''
  const attribute = violation.attribute ? `${violation.attribute}: ` : ''
  return `Invalid parameter: ${where}${attribute}${violation.reason}`
}

/** Checks a FilterPolicyScope value (vector scope-invalid-value). */
export function validateFilterPolicyScope(value: string): FilterPolicyViolation | undefined {
  if (scopes.has(value)) return undefined
  return {
    attribute: 'FilterPolicyScope',
    reason: `Invalid value [${value}]. Please use either MessageBody or MessageAttributes`,
  }
}

/**
 * Checks a FilterPolicy attribute value for a subscription with the given scope. An empty
 * value removes the policy and is always accepted.
 */
export function validateFilterPolicy(
  policyJson: string,
  scope: FilterPolicyScope,
): FilterPolicyViolation | undefined {
  if (policyJson === '') return undefined
  let policy: unknown
  try {
    policy = JSON.parse(policyJson)
  } catch (error) {
    // invalid-json-subscribe, invalid-json-set-attrs
    return {
      attribute: 'FilterPolicy',
      reason: `failed to parse JSON. ${(error as Error).message}`,
    }
  }
  try {
    checkPolicy(policy, scope)
    return undefined
  } catch (error) {
    if (error instanceof Violation) return { attribute: error.attribute, reason: error.message }
    throw error
  }
}

function checkPolicy(policy: unknown, scope: FilterPolicyScope): void {
  if (!isObject(policy)) throw new Violation('Filter policy must be a JSON object')
  // Keys: top-level property names; each `$or` branch adds its own (complexity-six-keys,
  // flat-six-keys-body). For payload policies only top-level keys count (AWS docs).
  if (keyCount(policy) > MAX_KEYS)
    throw new Violation(`Filter policy can not have more than ${MAX_KEYS} keys`)
  const leaves: unknown[][] = []
  const combinations = walk(policy, 1, scope, leaves)
  if (combinations > MAX_COMBINATIONS) throw new Violation('Filter policy is too complex')
  for (const rules of leaves) for (const rule of rules) checkRule(rule)
}

/** `$or` is the OR operator only as an array of at least two objects (AWS docs, "OR operator"). */
function orBranches(key: string, value: unknown): Record<string, unknown>[] | undefined {
  if (key !== '$or' || !Array.isArray(value) || value.length < 2) return undefined
  return value.every(isObject) ? (value as Record<string, unknown>[]) : undefined
}

function keyCount(policy: Record<string, unknown>): number {
  let count = 0
  let widestBranch = 0
  for (const [key, value] of Object.entries(policy)) {
    const branches = orBranches(key, value)
    if (!branches) count++
    else for (const branch of branches) widestBranch = Math.max(widestBranch, keyCount(branch))
  }
  return count + widestBranch
}

/**
 * Walks the policy's structure, collecting its lists of match rules, and returns its
 * combinations: each list counts its length times its key's nesting depth; keys multiply;
 * `$or` branches add (nested-too-many-combinations: 4·3 × 3·2 × 3·1 = 216;
 * complexity-or-flat-152: 4 × (6 + 4 × (4 + 4)) = 152; complexity-or-150-accepted: 150;
 * complexity-or-nested-160: (3 + 2) × 2·2 × (1·2 + 3·2) = 160).
 */
function walk(
  node: Record<string, unknown>,
  depth: number,
  scope: FilterPolicyScope,
  leaves: unknown[][],
): number {
  let combinations = 1
  for (const [key, value] of Object.entries(node)) {
    const branches = orBranches(key, value)
    if (branches) {
      let sum = 0
      for (const branch of branches) sum += walk(branch, depth, scope, leaves)
      combinations *= sum
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new Violation('Empty arrays are not allowed') // empty-array
      leaves.push(value)
      combinations *= value.length * depth
    } else if (isObject(value)) {
      combinations *= walk(value, depth + 1, scope, leaves)
      // Reported after what is wrong inside the object (suffix-not-in-list).
      if (scope === 'MessageAttributes') {
        // nested-policy-attr-scope
        throw new Violation(
          'Filter policy scope MessageAttributes does not support nested filter policy',
          false,
        )
      }
    } else {
      // rule-not-list, suffix-not-in-list, unknown-op-not-in-list
      throw new Violation(`"${key}" must be an object or an array`)
    }
  }
  return combinations
}

/** One entry of a match list: a value to equal, or a one-operator match expression. */
function checkRule(rule: unknown): void {
  if (rule === null || ['string', 'number', 'boolean'].includes(typeof rule)) return
  if (!isObject(rule))
    throw new Violation('Match value must be String, number, true, false, or null') // list-in-list
  const entries = Object.entries(rule)
  if (entries.length !== 1) throw new Violation('Only one key allowed in match expression') // two-operators
  const [operator, value] = entries[0]!
  switch (operator) {
    case 'prefix':
    case 'suffix':
      // suffix-numeric, suffix-null, suffix-empty-list, suffix-list-value; AWS also takes
      // {"prefix": {"equals-ignore-case": "…"}} (docs, "Prefix matching").
      if (typeof value === 'string' || isIgnoreCase(value)) return
      throw new Violation(`${operator} match pattern must be a string`)
    case 'equals-ignore-case':
    case 'wildcard':
      if (typeof value === 'string') return
      throw new Violation(`${operator} match pattern must be a string`)
    case 'exists':
      if (typeof value === 'boolean') return
      throw new Violation('exists match pattern must be either true or false.') // exists-null, exists-string
    case 'anything-but':
      checkAnythingBut(value)
      return
    case 'numeric':
      checkNumeric(value)
      return
    case 'cidr':
      checkCidr(value)
      return
    default:
      throw new Violation(`Unrecognized match type ${operator}`) // unknown-operator
  }
}

function isIgnoreCase(value: unknown): boolean {
  if (!isObject(value)) return false
  const entries = Object.entries(value)
  return (
    entries.length === 1 &&
    entries[0]![0] === 'equals-ignore-case' &&
    typeof entries[0]![1] === 'string'
  )
}

/**
 * anything-but takes a value, a list of values, or {"prefix": "…"}. AWS rejected a nested
 * suffix, exists or unknown operator when the vectors were recorded (anythingbut-suffix-rejected,
 * anythingbut-exists, anythingbut-unknown-op) and a non-string prefix (anythingbut-prefix-bool).
 */
function checkAnythingBut(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) checkRule(item)
    return
  }
  if (isObject(value)) {
    for (const inner of Object.keys(value))
      if (inner !== 'prefix') throw new Violation(`Unsupported anything-but pattern: ${inner}`)
  }
  checkRule(value)
}

const lowerBounds: ReadonlySet<unknown> = new Set(['>', '>='])
const upperBounds: ReadonlySet<unknown> = new Set(['<', '<='])
const numericOperators: ReadonlySet<unknown> = new Set(['=', ...lowerBounds, ...upperBounds])

/**
 * numeric: [op, n] or a range [lower-op, n, upper-op, m] with n < m. Messages as AWS's
 * (numeric-empty, numeric-operator-order, numeric-wrong-operator, numeric-string-value,
 * numeric-missing-value, numeric-range-*).
 */
function checkNumeric(value: unknown): void {
  if (!Array.isArray(value)) throw new Violation('Value of numeric must be an array.')
  const [operator, bottom, upper, top] = value as unknown[]
  if (value.length === 0) throw new Violation('Invalid member in numeric match: ]')
  if (typeof operator !== 'string')
    throw new Violation(`Invalid member in numeric match: ${show(operator)}`)
  if (!numericOperators.has(operator))
    throw new Violation(`Unrecognized numeric range operator: ${operator}`)
  if (typeof bottom !== 'number')
    throw new Violation(`Value of ${operator === '=' ? 'equals' : operator} must be numeric`)
  if (value.length === 2) return
  if (!lowerBounds.has(operator)) throw new Violation('Too many elements in numeric expression')
  if (typeof upper !== 'string') throw new Violation(`Bad value in numeric range: ${show(upper)}`)
  if (!upperBounds.has(upper)) throw new Violation(`Bad numeric range operator: ${upper}`)
  if (typeof top !== 'number') throw new Violation(`Value of ${upper} must be numeric`)
  if (top <= bottom) throw new Violation('Bottom must be less than top')
  if (value.length > 4) throw new Violation('Too many terms in numeric range expression')
}

/** cidr: "address/bits" (cidr-list-value, cidr-no-slash, cidr-bad-mask, cidr-bad-ip, -v4, -v6). */
function checkCidr(value: unknown): void {
  // AWS's message for a non-string cidr names prefix, as recorded.
  if (typeof value !== 'string') throw new Violation('prefix match pattern must be a string')
  const parts = value.split('/')
  if (parts.length !== 2) throw new Violation("Malformed CIDR, one '/' required")
  const [address, bits] = parts as [string, string]
  if (!/^\d+$/.test(bits)) throw new Violation('Malformed CIDR, mask bits must be an integer')
  if (isIP(address) === 0) throw new Violation(`Nonstandard IP address: ${address}`)
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// ---------------------------------------------------------------------------------------
// Requests: which SNS calls carry a policy, and what the policy must be checked against.

/** The parsed form of an SNS Query-protocol request, as fauxqs's body parser produces it. */
export type QueryForm = Readonly<Record<string, unknown>>

/** The subscription attributes the embedded SNS store keeps (FilterPolicy, FilterPolicyScope…). */
export interface SubscriptionView {
  readonly attributes: Readonly<Record<string, string | undefined>>
}

/**
 * The violation a Subscribe or SetSubscriptionAttributes request would commit, or undefined
 * when it is valid or not one of those (everything else passes untouched).
 * `subscription` looks up the current attributes of a subscription by ARN.
 */
export function checkSubscriptionRequest(
  form: QueryForm,
  subscription: (arn: string) => SubscriptionView | undefined,
): { message: string } | undefined {
  const action = form.Action
  if (action === 'Subscribe') {
    const attributes = subscribeAttributes(form)
    const scope = attributes.get('FilterPolicyScope')
    const violation =
      (scope === undefined ? undefined : validateFilterPolicyScope(scope)) ??
      validatePolicyAttribute(attributes.get('FilterPolicy'), scope)
    return violation && { message: violationMessage(violation, 'Subscribe') }
  }
  if (action === 'SetSubscriptionAttributes') {
    const name = form.AttributeName
    if (name !== 'FilterPolicy' && name !== 'FilterPolicyScope') return undefined
    const value = typeof form.AttributeValue === 'string' ? form.AttributeValue : ''
    const arn = typeof form.SubscriptionArn === 'string' ? form.SubscriptionArn : ''
    // An unknown subscription is fauxqs's to answer (NotFound).
    const current = subscription(arn)?.attributes
    if (!current) return undefined
    const violation =
      name === 'FilterPolicy'
        ? validatePolicyAttribute(value, current.FilterPolicyScope)
        : (validateFilterPolicyScope(value) ??
          // A new scope must suit the policy already set (a nested one needs MessageBody).
          validatePolicyAttribute(current.FilterPolicy, value))
    return violation && { message: violationMessage(violation, 'SetSubscriptionAttributes') }
  }
  return undefined
}

function validatePolicyAttribute(
  policy: string | undefined,
  scope: string | undefined,
): FilterPolicyViolation | undefined {
  if (policy === undefined) return undefined
  return validateFilterPolicy(policy, scope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes')
}

/** Subscribe's `Attributes.entry.N.key` / `Attributes.entry.N.value` pairs, as a Map. */
function subscribeAttributes(form: QueryForm): Map<string, string> {
  const keys = new Map<string, string>()
  const values = new Map<string, string>()
  for (const [field, value] of Object.entries(form)) {
    const match = /^Attributes\.entry\.(\d+)\.(key|value)$/.exec(field)
    if (!match || typeof value !== 'string') continue
    ;(match[2] === 'key' ? keys : values).set(match[1]!, value)
  }
  const attributes = new Map<string, string>()
  for (const [index, key] of keys) {
    const value = values.get(index)
    if (value !== undefined) attributes.set(key, value)
  }
  return attributes
}

// ---------------------------------------------------------------------------------------
// Wiring: a Fastify preHandler hook on fauxqs's app. Fastify has parsed the body already, so
// nothing is buffered twice; every request other than a form-encoded Subscribe or
// SetSubscriptionAttributes (Publish, all of SQS) costs two property reads.

/** Rejects invalid filter policies with AWS's InvalidParameter error before fauxqs acts on them. */
export function filterPolicyGuard(store: {
  getSubscription(arn: string): SubscriptionView | undefined
}) {
  return (request: HookRequest, reply: HookReply, done: () => void): void => {
    const rejected = rejection(request, store)
    if (!rejected) {
      done()
      return
    }
    reply.hijack()
    sendAwsError(reply.raw, 'query', 400, 'InvalidParameter', rejected.message)
  }
}

function rejection(
  request: HookRequest,
  store: { getSubscription(arn: string): SubscriptionView | undefined },
): { message: string } | undefined {
  const body = request.body as QueryForm | undefined
  const action = typeof body === 'object' && body !== null ? body.Action : undefined
  if (action !== 'Subscribe' && action !== 'SetSubscriptionAttributes') return undefined
  const contentType = request.headers['content-type']
  if (typeof contentType !== 'string' || !contentType.includes('x-www-form-urlencoded'))
    return undefined
  return checkSubscriptionRequest(body as QueryForm, (arn) => store.getSubscription(arn))
}
