/**
 * JSON with every object's keys in sorted order: two requests that differ only in the order of
 * an object's keys (an item's attributes, ExpressionAttributeValues) give the same text. Lists
 * keep their order, as it is part of what they say.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort()
    return `{${keys
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map(
        (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
      )
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
