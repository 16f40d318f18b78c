import { eventMessageAttributes } from '../contracts/message-attributes.ts'
import { filterPolicyMatches } from '../local/sns-sqs/filter-policy.ts'
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
 * matched by the embedded SNS's own evaluator (local/sns-sqs/filter-policy.ts), the one that
 * decides delivery, so what trace and dev say is what the embedded bus does.
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
    if (message.body === undefined) return undefined
    return filterPolicyMatches(filter.policy, 'MessageBody', message)
  }
  return filterPolicyMatches(filter.policy, 'MessageAttributes', message, options)
}

/** What a subscription filters a bus event on: its attributes, and its envelope as the body. */
export function eventMessage(event: { eventType: string; version: number }): FilteredMessage {
  return { attributes: eventMessageAttributes(event), body: event }
}
