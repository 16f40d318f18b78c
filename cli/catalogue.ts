import type { Command } from 'commander'
import { CONSUMERS, type EventVersions, readVersion } from '../contracts/consumers.ts'
import { PRODUCERS } from '../contracts/producers.ts'
import { catalogue, type EventDefinition } from '../functions/catalogue/index.ts'
import { CliError } from './cli-error.ts'
import { type JsonSchema, payloadSchema } from './contracts/asyncapi-document.ts'
import { eventMessage, filterPolicySelects } from './filter-policy.ts'
import { pipelineReader } from './readers/index.ts'
import { type Target, type TargetOptions, useTarget, withTargetOptions } from './target.ts'
import { textTable } from './text-table.ts'

/** One event type at one version, as `pipeline catalogue` shows it. */
export interface CatalogueEntry {
  readonly eventType: string
  readonly version: number
  /** The version readers upcast to this one, or null. */
  readonly upcastFrom: number | null
  /** The payload's fields: `items[].sku`, with `?` on optional ones. */
  readonly fields: readonly string[]
  readonly producers: readonly string[]
  /** The consumers that declare this version, and the version each reads. */
  readonly consumers: readonly { readonly name: string; readonly reads: number }[]
  /** The consumers whose subscription on the target selects it; null when not read. */
  readonly subscribed: readonly string[] | null
}

/** The catalogue with its producers and consumers, and what a target's subscriptions select. */
function catalogueEntries(
  subscriptions?: ReadonlyMap<string, Parameters<typeof filterPolicySelects>[0]>,
): CatalogueEntry[] {
  return [...catalogue]
    .sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version)
    .map((d) => ({
      eventType: d.type,
      version: d.version,
      upcastFrom: d.upcastFrom?.from.version ?? null,
      fields: fieldsOf(asSchema(asProperties(payloadSchema(d).properties).payload)),
      producers: Object.values(PRODUCERS)
        .filter((p) => declares(p.events, d))
        .map((p) => p.name),
      consumers: Object.values(CONSUMERS)
        .filter((c) => declares(c.events, d))
        .map((c) => ({
          name: c.name,
          reads: readVersion((c.events as Readonly<Record<string, EventVersions>>)[d.type]!),
        })),
      subscribed: subscriptions
        ? [...subscriptions]
            .filter(
              ([, filter]) =>
                filterPolicySelects(
                  filter,
                  eventMessage({ eventType: d.type, version: d.version }),
                ) === true,
            )
            .map(([consumer]) => consumer)
        : null,
    }))
}

export function registerCatalogueCommand(program: Command): void {
  const command = withTargetOptions(
    program
      .command('catalogue')
      .description(
        'event types and versions: their fields, upcasts, producers and consumers, and what the target’s subscriptions select',
      ),
  )
  command.action((options: TargetOptions) =>
    useTarget(options, async (target) => {
      const explicit =
        command.getOptionValueSource('target') !== 'default' || options.endpoint !== undefined
      const { subscriptions, note } = await deployedSubscriptions(target, explicit)
      const entries = catalogueEntries(subscriptions)
      if (options.json) {
        console.log(JSON.stringify({ target: subscriptions ? target.name : null, events: entries }))
        return
      }
      console.log(catalogueTable(entries, subscriptions ? target.name : undefined))
      if (note) console.log(note)
    }),
  )
}

/**
 * The target's subscriptions by consumer name. When the target was not named and has no
 * pipeline, the catalogue is shown without them, with a note; a named target must answer.
 */
async function deployedSubscriptions(
  target: Target,
  explicit: boolean,
): Promise<{
  subscriptions?: Map<string, Parameters<typeof filterPolicySelects>[0]>
  note?: string
}> {
  const reader = pipelineReader(target)
  try {
    const pipeline = await reader.resources()
    const filters = await reader.subscriptionFilters(pipeline.eventTopicArn)
    return {
      subscriptions: new Map(pipeline.consumers.map((c) => [c.name, filters.get(c.queueArn)])),
    }
  } catch (error) {
    if (explicit || !(error instanceof CliError)) throw error
    return {
      note: `(not showing what the subscriptions select: ${error.message.split('\n')[0]})`,
    }
  }
}

function catalogueTable(entries: readonly CatalogueEntry[], targetName?: string): string {
  return textTable(
    [
      { title: 'event', cell: (e: CatalogueEntry) => `${e.eventType} v${e.version}` },
      { title: 'upcast', cell: (e) => (e.upcastFrom === null ? '' : `from v${e.upcastFrom}`) },
      { title: 'fields', cell: (e) => e.fields.join(', ') },
      { title: 'producers', cell: (e) => e.producers.join(', ') || '-' },
      {
        title: 'consumers (reads)',
        cell: (e) =>
          e.consumers
            .map((c) => (c.reads === e.version ? c.name : `${c.name} (v${c.reads})`))
            .join(', ') || '-',
      },
      ...(targetName
        ? [
            {
              title: `subscribed on ${targetName}`,
              cell: (e: CatalogueEntry) => e.subscribed?.join(', ') || '-',
            },
          ]
        : []),
    ],
    entries,
  )
}

function declares(
  events: Readonly<Record<string, readonly number[]>>,
  d: EventDefinition,
): boolean {
  return events[d.type]?.includes(d.version) ?? false
}

/** The leaf fields of an object schema: `items[].sku`, optional ones with `?`. */
function fieldsOf(schema: JsonSchema, prefix = ''): string[] {
  const required = new Set(Array.isArray(schema.required) ? schema.required : [])
  return Object.entries(asProperties(schema.properties)).flatMap(([key, value]) => {
    const field = value as JsonSchema
    const name = `${prefix}${key}${required.has(key) ? '' : '?'}`
    const items = asSchema(field.items)
    if (field.type === 'array' && items.type === 'object') return fieldsOf(items, `${name}[].`)
    if (field.type === 'object' && field.properties) return fieldsOf(field, `${name}.`)
    return [field.type === 'array' ? `${name}[]` : name]
  })
}

function asSchema(value: unknown): JsonSchema {
  return typeof value === 'object' && value !== null ? (value as JsonSchema) : {}
}

function asProperties(value: unknown): Record<string, unknown> {
  return asSchema(value) as Record<string, unknown>
}
