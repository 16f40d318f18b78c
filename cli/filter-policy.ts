import { eventMessageAttributes } from '../contracts/message-attributes.ts'
import { matchesPattern } from '../local/lambda/event-sources/event-pattern.ts'
import type { SubscriptionFilter } from './readers/index.ts'

/** A message attribute as SNS takes it on Publish. */
interface MessageAttribute {
  readonly DataType: string
  readonly StringValue?: string
}

/** What a filter policy is matched against. */
export interface FilteredMessage {
  readonly attributes: Readonly<Record<string, MessageAttribute>>
  /** The message body, parsed; undefined when it is not known. */
  readonly body?: unknown
}

/**
 * Whether an SNS subscription's filter policy selects a message: true, false, or undefined
 * when that cannot be told (no such subscription; a body policy and no body). The policy is
 * matched by the embedded Lambda's event-pattern matcher (filter policies and filter
 * criteria are one language), against the body or against the attributes as SNS sees them:
 * a `Number` attribute is a number, a `String.Array` its members, a `Binary` one absent.
 *
 * `partial`: only some of the message's attributes are known (say, its event type and no
 * more), so a rule on an attribute not given is undecided rather than unmatched; the policy
 * is still false when a known attribute fails it.
 */
export function filterPolicySelects(
  filter: SubscriptionFilter | undefined,
  message: FilteredMessage,
  options: { readonly partial?: boolean } = {},
): boolean | undefined {
  if (!filter) return undefined
  if (!filter.policy) return true
  if (filter.scope === 'MessageBody') {
    return message.body === undefined ? undefined : matchesPattern(filter.policy, message.body)
  }
  const document = attributeDocument(message.attributes)
  return options.partial
    ? partialMatch(filter.policy, document)
    : matchesPattern(filter.policy, document)
}

/** What a subscription filters a bus event on: its attributes, and its envelope as the body. */
export function eventMessage(event: { eventType: string; version: number }): FilteredMessage {
  return { attributes: eventMessageAttributes(event), body: event }
}

function attributeDocument(
  attributes: Readonly<Record<string, MessageAttribute>>,
): Record<string, unknown> {
  const document: Record<string, unknown> = {}
  for (const [name, { DataType, StringValue }] of Object.entries(attributes)) {
    if (StringValue === undefined || DataType.startsWith('Binary')) continue
    if (DataType.startsWith('Number')) document[name] = Number(StringValue)
    else if (DataType === 'String.Array') document[name] = arrayOrString(StringValue)
    else document[name] = StringValue
  }
  return document
}

function arrayOrString(value: string): unknown {
  try {
    const parsed: unknown = JSON.parse(value)
    return Array.isArray(parsed) ? parsed : value
  } catch {
    return value
  }
}

/** Three-valued: false when a known attribute fails, undefined when an unknown one decides. */
function partialMatch(
  policy: Record<string, unknown>,
  document: Record<string, unknown>,
): boolean | undefined {
  let result: boolean | undefined = true
  for (const [key, rule] of Object.entries(policy)) {
    const matched =
      key === '$or'
        ? Array.isArray(rule) &&
          anyOf(
            rule.map((alternative) =>
              isObject(alternative) ? partialMatch(alternative, document) : false,
            ),
          )
        : key in document
          ? matchesPattern({ [key]: rule }, document)
          : undefined
    if (matched === false) return false
    if (matched === undefined) result = undefined
  }
  return result
}

function anyOf(results: readonly (boolean | undefined)[]): boolean | undefined {
  if (results.includes(true)) return true
  return results.includes(undefined) ? undefined : false
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
