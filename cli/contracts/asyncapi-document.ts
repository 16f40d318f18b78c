import { z } from 'zod'
import type { ConsumerDefinition } from '../../contracts/consumers.ts'
import { EVENT_MESSAGE_ATTRIBUTES } from '../../contracts/message-attributes.ts'
import type { ProducerDefinition } from '../../contracts/producers.ts'
import { createEvent, type EventDefinition } from '../../functions/catalogue/index.ts'

/** The channel of the bus in the document: the SNS topic every event is published to. */
const BUS_CHANNEL = 'eventBus'

/** What the document is generated from. */
export interface ContractSources {
  readonly definitions: readonly EventDefinition[]
  readonly consumers: readonly ConsumerDefinition[]
  readonly producers: readonly ProducerDefinition[]
  /** An example payload per `type vN`. */
  readonly examples: Readonly<Record<string, unknown>>
}

/** A JSON Schema as zod writes it. */
export type JsonSchema = Record<string, unknown>

/** The message id of an event type at a version, e.g. `order.placed.v1`. */
function messageId(type: string, version: number): string {
  return `${type}.v${version}`
}

/**
 * The catalogue as an AsyncAPI 3.0 document: the bus topic as one channel, one message per
 * event type and version (the envelope and payload as JSON Schema from zod's own
 * `z.toJSONSchema`, the SNS message attributes as headers, an example), a send operation
 * per producer and a receive operation per consumer. Deterministic: the same catalogue
 * gives the same document, so the committed one can be compared with a fresh one.
 */
export function asyncApiDocument(sources: ContractSources): Record<string, unknown> {
  const definitions = [...sources.definitions].sort(
    (a, b) => a.type.localeCompare(b.type) || a.version - b.version,
  )
  const messages = Object.fromEntries(
    definitions.map((d) => [messageId(d.type, d.version), message(d, sources.examples)]),
  )
  const refs = (events: Readonly<Record<string, readonly number[]>>) =>
    Object.entries(events).flatMap(([type, versions]) =>
      versions.map((version) => ({
        $ref: `#/channels/${BUS_CHANNEL}/messages/${messageId(type, version)}`,
      })),
    )
  const operations: Record<string, unknown> = {}
  for (const producer of sources.producers) {
    operations[`${producer.name}.publish`] = {
      action: 'send',
      channel: { $ref: `#/channels/${BUS_CHANNEL}` },
      title: `${producer.name} publishes`,
      description: producer.description,
      messages: refs(producer.events),
    }
  }
  for (const consumer of sources.consumers) {
    operations[`${consumer.name}.receive`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${BUS_CHANNEL}` },
      title: `${consumer.name} receives`,
      description: `Its subscription selects these types at these versions; its handler (${consumer.entry}) reads the newest of each, older ones upcast.`,
      messages: refs(consumer.events),
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'event-pipeline events',
      version: '1.0.0',
      description: [
        'The event catalogue (functions/catalogue) as a contract, generated from its zod schemas:',
        'do not edit by hand. `npm run contracts` fails on a breaking change to an existing',
        'event type or version; `npm run contracts -- --update` writes compatible ones here.',
      ].join(' '),
    },
    defaultContentType: 'application/json',
    channels: {
      [BUS_CHANNEL]: {
        address: 'EventBus',
        title: 'The event bus',
        description:
          'The SNS topic every event is published to (raw delivery to one SQS queue per consumer, each subscription filtering on the eventType and version attributes).',
        messages: Object.fromEntries(
          Object.keys(messages).map((id) => [id, { $ref: `#/components/messages/${id}` }]),
        ),
      },
    },
    operations,
    components: { messages },
  }
}

/** One event type at one version as an AsyncAPI message. */
function message(
  definition: EventDefinition,
  examples: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const name = `${definition.type} v${definition.version}`
  if (!(name in examples)) {
    throw new Error(`no example for ${name}: add one to cli/contracts/event-examples.ts`)
  }
  // Validated here (createEvent throws on an invalid payload), so an example cannot drift.
  const example = createEvent(definition, examples[name] as never, {
    source: 'example',
    eventId: `example-${messageId(definition.type, definition.version)}`,
    timestamp: new Date('2026-12-01T10:00:00.000Z'),
  })
  const upcastFrom = definition.upcastFrom?.from.version
  return {
    name: definition.type,
    title: name,
    summary: upcastFrom === undefined ? `${name}` : `${name}; readers upcast v${upcastFrom} to it`,
    contentType: 'application/json',
    headers: headersSchema(definition),
    payload: payloadSchema(definition),
    examples: [
      {
        name: `${messageId(definition.type, definition.version)}.example`,
        headers: attributesOf(definition),
        payload: example,
      },
    ],
    ...(upcastFrom === undefined ? {} : { 'x-upcast-from': upcastFrom }),
  }
}

/** The envelope with its payload, as producers write it (zod's input side). */
export function payloadSchema(definition: EventDefinition): JsonSchema {
  const { $schema: _, ...schema } = z.toJSONSchema(definition.envelope, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema
  return schema
}

/** The SNS message attributes an event of the definition carries. */
function headersSchema(definition: EventDefinition): JsonSchema {
  const { eventType, version } = EVENT_MESSAGE_ATTRIBUTES
  return {
    type: 'object',
    description: 'SNS message attributes (DataType String); subscriptions filter on them',
    properties: {
      [eventType.name]: { type: 'string', const: definition.type },
      [version.name]: { type: 'string', const: String(definition.version) },
    },
    required: [eventType.name, version.name],
  }
}

function attributesOf(definition: EventDefinition): Record<string, string> {
  const { eventType, version } = EVENT_MESSAGE_ATTRIBUTES
  return { [eventType.name]: definition.type, [version.name]: String(definition.version) }
}
