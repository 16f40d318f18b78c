/**
 * The SNS message-attribute contract of the event bus. Publishers (functions/) set these
 * attributes on every publish; the subscription filter policies (lib/) match on them.
 */

/**
 * The attributes every event carries on the bus, with their SNS data types.
 *
 * - `eventType` (String): the envelope's `eventType`, e.g. `order.placed`. Filter
 *   policies match it exactly (`["order.placed"]`) or by prefix (`[{"prefix":"order."}]`).
 * - `version` (String): the envelope's schema `version` as a decimal string, e.g. `"1"`.
 *   A String, as {@link eventMessageAttributes} sets it for every publisher: a consumer
 *   that only understands some versions filters them exactly (`{"version":["2","3"]}`);
 *   numeric ranges are not needed for a handful of versions.
 */
export const EVENT_MESSAGE_ATTRIBUTES = {
  eventType: { name: 'eventType', dataType: 'String' },
  version: { name: 'version', dataType: 'String' },
} as const

/** The SNS `MessageAttributes` value for an event, as `Publish` and `PublishBatch` take it. */
export function eventMessageAttributes(event: {
  eventType: string
  version: number
}): Record<string, { DataType: string; StringValue: string }> {
  return {
    [EVENT_MESSAGE_ATTRIBUTES.eventType.name]: {
      DataType: EVENT_MESSAGE_ATTRIBUTES.eventType.dataType,
      StringValue: event.eventType,
    },
    [EVENT_MESSAGE_ATTRIBUTES.version.name]: {
      DataType: EVENT_MESSAGE_ATTRIBUTES.version.dataType,
      StringValue: String(event.version),
    },
  }
}

/**
 * A consumer's event selector: an exact event type (`order.placed`) or a prefix written
 * with a trailing `.*` (`order.*` matches every type that starts with `order.`).
 */
export type EventSelector = string

/** Exact types and a dotted name with an optional trailing `.*`; no other wildcards. */
const SELECTOR_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\.\*)?$/

/** True when the selector is an exact type or a `prefix.*`. */
export function isValidSelector(selector: string): boolean {
  return SELECTOR_PATTERN.test(selector)
}

/** Splits selectors into exact types and prefixes (`order.*` becomes the prefix `order.`). */
export function splitSelectors(selectors: readonly EventSelector[]): {
  exact: string[]
  prefixes: string[]
} {
  const exact: string[] = []
  const prefixes: string[] = []
  for (const selector of selectors) {
    if (selector.endsWith('.*')) prefixes.push(selector.slice(0, -1))
    else exact.push(selector)
  }
  return { exact: [...new Set(exact)], prefixes: [...new Set(prefixes)] }
}

/** True when an event type is selected by one of the selectors. */
export function selects(selectors: readonly EventSelector[], eventType: string): boolean {
  const { exact, prefixes } = splitSelectors(selectors)
  return exact.includes(eventType) || prefixes.some((prefix) => eventType.startsWith(prefix))
}

/**
 * The FIFO message group of an event: the value at a dotted path into the envelope,
 * e.g. `payload.orderId`. Events of one group are delivered in order.
 * Throws when the path does not lead to a non-empty string or a number.
 */
export function messageGroupIdOf(event: unknown, path: string): string {
  let value: unknown = event
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) {
      value = undefined
      break
    }
    value = (value as Record<string, unknown>)[key]
  }
  if ((typeof value === 'string' && value.length > 0) || typeof value === 'number') {
    return String(value)
  }
  throw new Error(
    `the event has no message group id at '${path}' (found ${JSON.stringify(value)}); FIFO topics need a non-empty string or number there`,
  )
}

/**
 * The SNS filter policy (attributes scope) that selects what no consumer selects: an
 * `eventType` none of the exact types, or no `eventType` at all; the unroutable events
 * queue subscribes with it. A type selected only by a prefix is selected here too (a policy
 * cannot say "none of these prefixes" beside the list): kept twice rather than lost. With no
 * exact type selected it is undefined: no policy, every event.
 */
export function unroutableFilterPolicy(
  selected: readonly EventSelector[],
): { readonly $or: readonly Record<string, unknown[]>[] } | undefined {
  const { exact } = splitSelectors(selected)
  if (exact.length === 0) return undefined
  const name = EVENT_MESSAGE_ATTRIBUTES.eventType.name
  return { $or: [{ [name]: [{ 'anything-but': exact }] }, { [name]: [{ exists: false }] }] }
}
