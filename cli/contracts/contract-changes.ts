import type { JsonSchema } from './asyncapi-document.ts'

/** One difference between the committed contract and the live catalogue. */
export interface ContractChange {
  /** Breaking: a deployed consumer, producer or stored event of that version could fail. */
  readonly breaking: boolean
  readonly eventType: string
  readonly version: number
  /** Where in the message: `$.payload.items[].quantity`, or `headers.version`. */
  readonly path: string
  /** What changed, e.g. `removed field`. */
  readonly change: string
  /** What to do instead (breaking) or nothing (compatible). */
  readonly advice?: string
}

interface Message {
  readonly name?: string
  readonly headers?: JsonSchema
  readonly payload?: JsonSchema
}

/** A new version, with its upcaster: what to do instead of changing a published one. */
const newVersion = (type: string, version: number) =>
  `add ${type} v${version + 1} (defineEvent with upcastFrom: ${type} v${version}) and leave v${version} as it is`
const orOptional = 'or make the field optional'

/**
 * The changes from the committed document's messages to the live ones, each named by event,
 * version and JSON path. An existing version may only widen what it accepts (new optional
 * fields, more enum values, wider ranges); every other change to it is breaking, since
 * events of it are in flight, stored, and read by deployed consumers. New types and
 * versions are compatible; a removed one is breaking.
 */
export function contractChanges(committed: unknown, live: unknown): ContractChange[] {
  const before = messagesOf(committed)
  const after = messagesOf(live)
  const changes: ContractChange[] = []
  for (const [id, old] of Object.entries(before)) {
    const at = identify(id, old)
    const current = after[id]
    if (current) {
      compareSchema(old.headers ?? {}, current.headers ?? {}, 'headers', at, changes, 'attribute')
      compareSchema(old.payload ?? {}, current.payload ?? {}, '$', at, changes, 'field')
      continue
    }
    changes.push({
      breaking: true,
      ...at,
      path: '$',
      change: hasType(after, at.eventType) ? 'removed version' : 'removed event type',
      advice: `keep ${at.eventType} v${at.version} in the catalogue: its events are stored and in flight, and readers upcast them`,
    })
  }
  for (const [id, added] of Object.entries(after)) {
    if (before[id]) continue
    const at = identify(id, added)
    const change = hasType(before, at.eventType) ? 'new version' : 'new event type'
    changes.push({ breaking: false, ...at, path: '$', change })
  }
  return changes
}

/** One line for a change: `order.placed v1 $.payload.total: changed type … → add …`. */
export function describeChange(change: ContractChange): string {
  const where = `${change.eventType} v${change.version} ${change.path}`
  return change.advice
    ? `${where}: ${change.change}; ${change.advice}`
    : `${where}: ${change.change}`
}

function messagesOf(document: unknown): Record<string, Message> {
  const components = (document as { components?: { messages?: Record<string, Message> } })
    ?.components
  return components?.messages ?? {}
}

function identify(id: string, message: Message): { eventType: string; version: number } {
  const match = /^(.*)\.v(\d+)$/.exec(id)
  return { eventType: message.name ?? match?.[1] ?? id, version: Number(match?.[2] ?? 0) }
}

function hasType(messages: Record<string, Message>, eventType: string): boolean {
  return Object.entries(messages).some(([id, m]) => identify(id, m).eventType === eventType)
}

type Where = { readonly eventType: string; readonly version: number }

function compareSchema(
  old: JsonSchema,
  current: JsonSchema,
  path: string,
  at: Where,
  changes: ContractChange[],
  noun: 'field' | 'attribute',
): void {
  const breaking = (change: string, advice = newVersion(at.eventType, at.version)) =>
    changes.push({ breaking: true, ...at, path, change, advice })
  const compatible = (change: string) => changes.push({ breaking: false, ...at, path, change })

  if (noun === 'attribute' && JSON.stringify(old) !== JSON.stringify(current)) {
    // Subscriptions filter on the attributes: any change to them changes who gets what.
    breaking(
      `changed attribute (${JSON.stringify(old.properties)} → ${JSON.stringify(current.properties)})`,
      'keep the eventType and version attributes as they are: subscription filter policies match them',
    )
    return
  }
  if (JSON.stringify(old.anyOf) !== JSON.stringify(current.anyOf)) {
    breaking(`changed type (${typeName(old)} → ${typeName(current)})`)
    return
  }
  if (typeName(old) !== typeName(current)) {
    breaking(`changed type (${typeName(old)} → ${typeName(current)})`)
    return
  }
  if ('const' in old || 'const' in current) {
    if (JSON.stringify(old.const) !== JSON.stringify(current.const)) {
      breaking(`changed value (${JSON.stringify(old.const)} → ${JSON.stringify(current.const)})`)
    }
  }
  if (JSON.stringify(old.default) !== JSON.stringify(current.default)) {
    breaking(
      `changed default (${JSON.stringify(old.default)} → ${JSON.stringify(current.default)}): readers of events without the ${noun} would see another value`,
    )
  }
  compareEnum(old, current, breaking, compatible)
  compareBounds(old, current, breaking, compatible)
  for (const key of ['pattern', 'format'] as const) {
    if (current[key] !== undefined && current[key] !== old[key]) {
      breaking(
        `narrowed ${key} (${JSON.stringify(old[key] ?? null)} → ${JSON.stringify(current[key])})`,
      )
    } else if (old[key] !== undefined && current[key] === undefined) {
      compatible(`dropped ${key} ${JSON.stringify(old[key])}`)
    }
  }
  if (isSchema(old.items) || isSchema(current.items)) {
    compareSchema(asSchema(old.items), asSchema(current.items), `${path}[]`, at, changes, noun)
  }
  if (old.additionalProperties !== false && current.additionalProperties === false) {
    breaking('closed the object to fields it does not declare')
  }
  compareProperties(old, current, path, at, changes, noun, compatible)
}

function compareProperties(
  old: JsonSchema,
  current: JsonSchema,
  path: string,
  at: Where,
  changes: ContractChange[],
  noun: 'field' | 'attribute',
  compatible: (change: string) => void,
): void {
  const oldProperties = asProperties(old.properties)
  const newProperties = asProperties(current.properties)
  const oldRequired = new Set(asStrings(old.required))
  const newRequired = new Set(asStrings(current.required))
  const child = (key: string) => (path === '$' ? `$.${key}` : `${path}.${key}`)
  for (const [key, schema] of Object.entries(oldProperties)) {
    const next = newProperties[key]
    if (!next) {
      changes.push({
        breaking: true,
        ...at,
        path: child(key),
        change: `removed ${noun} (a rename is a removal)`,
        advice: `${newVersion(at.eventType, at.version)}, or keep the ${noun}`,
      })
      continue
    }
    if (!oldRequired.has(key) && newRequired.has(key)) {
      changes.push({
        breaking: true,
        ...at,
        path: child(key),
        change: 'optional became required',
        advice: `${newVersion(at.eventType, at.version)}, ${orOptional} again`,
      })
    } else if (oldRequired.has(key) && !newRequired.has(key)) {
      compatible(`${child(key)} became optional`)
    }
    compareSchema(schema, next, child(key), at, changes, noun)
  }
  for (const key of Object.keys(newProperties)) {
    if (key in oldProperties) continue
    if (newRequired.has(key)) {
      changes.push({
        breaking: true,
        ...at,
        path: child(key),
        change: `new required ${noun}`,
        advice: `${newVersion(at.eventType, at.version)}, ${orOptional}`,
      })
    } else {
      changes.push({ breaking: false, ...at, path: child(key), change: `new optional ${noun}` })
    }
  }
}

function compareEnum(
  old: JsonSchema,
  current: JsonSchema,
  breaking: (change: string) => void,
  compatible: (change: string) => void,
): void {
  if (!Array.isArray(old.enum) && !Array.isArray(current.enum)) return
  const after: unknown[] | undefined = Array.isArray(current.enum) ? current.enum : undefined
  const before: unknown[] | undefined = Array.isArray(old.enum) ? old.enum : undefined
  if (!after) {
    compatible('dropped the enum')
    return
  }
  if (!before) {
    breaking(`narrowed to an enum (${after.map(String).join(', ')})`)
    return
  }
  const removed = before.filter((value) => !after.includes(value))
  const added = after.filter((value) => !before.includes(value))
  if (removed.length > 0) breaking(`narrowed enum (removed ${removed.map(String).join(', ')})`)
  if (added.length > 0) compatible(`widened enum (added ${added.map(String).join(', ')})`)
}

/** Lower bounds may only fall and upper bounds only rise; a new bound is a narrowing. */
const BOUNDS = [
  ['minimum', 'lower'],
  ['exclusiveMinimum', 'lower'],
  ['minLength', 'lower'],
  ['minItems', 'lower'],
  ['maximum', 'upper'],
  ['exclusiveMaximum', 'upper'],
  ['maxLength', 'upper'],
  ['maxItems', 'upper'],
] as const

function compareBounds(
  old: JsonSchema,
  current: JsonSchema,
  breaking: (change: string) => void,
  compatible: (change: string) => void,
): void {
  for (const [key, side] of BOUNDS) {
    const before = old[key] as number | undefined
    const after = current[key] as number | undefined
    if (before === after) continue
    const narrowed =
      after !== undefined &&
      (before === undefined || (side === 'lower' ? after > before : after < before))
    const range = `${key} ${before ?? 'none'} → ${after ?? 'none'}`
    if (narrowed) breaking(`narrowed range (${range})`)
    else compatible(`widened range (${range})`)
  }
  const before = old.multipleOf as number | undefined
  const after = current.multipleOf as number | undefined
  if (before !== after) {
    // Every old value stays valid only when the new step divides the old one.
    const divides =
      after === undefined ||
      (before !== undefined && Math.abs(before / after - Math.round(before / after)) < 1e-9)
    if (divides) compatible(`widened multipleOf (${before ?? 'none'} → ${after ?? 'none'})`)
    else breaking(`narrowed multipleOf (${before ?? 'none'} → ${after})`)
  }
}

function typeName(schema: JsonSchema): string {
  if (Array.isArray(schema.anyOf)) {
    return (schema.anyOf as JsonSchema[]).map(typeName).join(' | ')
  }
  if (Array.isArray(schema.type)) return schema.type.join(' | ')
  return typeof schema.type === 'string' ? schema.type : 'any'
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function asSchema(value: unknown): JsonSchema {
  return isSchema(value) ? value : {}
}

function asProperties(value: unknown): Record<string, JsonSchema> {
  return isSchema(value) ? (value as Record<string, JsonSchema>) : {}
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}
