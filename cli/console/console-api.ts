import { z } from 'zod'
import type { PipelineResources } from '../../contracts/outputs.ts'
import { catalogue, type EventEnvelope, type Publisher } from '../../functions/catalogue/index.ts'
import { CliError } from '../cli-error.ts'
import { EVENT_EXAMPLES } from '../contracts/event-examples.ts'
import { redrive, sourceNamed } from '../dlq.ts'
import { readOrderHistory } from '../history.ts'
import { catalogueEvent, definitionOf } from '../publish.ts'
import { type PipelineReader, totalMessages } from '../readers/index.ts'
import { waterfall } from '../span-waterfall.ts'
import { traceEvent } from '../trace.ts'
import type { FlowSampler } from './flow-sampler.ts'
import { type Topology, topologyOf } from './topology.ts'

/** What the console's operations read and act through. */
export interface ConsoleContext {
  readonly reader: PipelineReader
  readonly resources: PipelineResources
  readonly publisher: Publisher
  readonly flow: FlowSampler
  /** Told of each event the console publishes (`pipeline dev` tracks its deliveries). */
  readonly onPublished?: (event: EventEnvelope) => void
}

/** How many messages of each DLQ the browser lists. */
const deadLetterPageSize = 50

/** The operations behind the console's API, one a route; each returns what the page shows. */
export function consoleApi(ctx: ConsoleContext) {
  const { reader, resources } = ctx
  let topology: Promise<Topology> | undefined
  return {
    topology(): Promise<Topology> {
      // The template does not change while the pipeline runs.
      topology ??= reader.stackTemplate().then(topologyOf)
      topology.catch(() => {
        topology = undefined
      })
      return topology
    },

    /** Live figures: each consumer's status (queue, DLQs, runtime), the outbox, the flow series. */
    async figures() {
      const deadLetterQueues = resources.consumers.flatMap((c) => [
        c.deadLetterQueueUrl,
        c.deliveryDeadLetterQueueUrl,
      ])
      const [statuses, outboxFailures, ages, depths] = await Promise.all([
        ctx.flow.read(),
        reader.queueDepth(resources.outboxFailureQueueUrl),
        reader.oldestMessageAges(resources.consumers.map((c) => c.queueName)),
        Promise.all(deadLetterQueues.map((url) => reader.queueDepth(url))),
      ])
      return {
        at: new Date().toISOString(),
        consumers: resources.consumers.map((c, i) => ({
          consumer: c.name,
          queueUrl: c.queueUrl,
          deadLetterQueueUrl: c.deadLetterQueueUrl,
          deliveryDeadLetterQueueUrl: c.deliveryDeadLetterQueueUrl,
          functionName: c.functionName,
          ...statuses[i],
          oldestAgeSeconds: ages.get(c.queueName) ?? null,
        })),
        outbox: {
          functionName: resources.outboxPublisherFunctionName,
          failureQueueUrl: resources.outboxFailureQueueUrl,
          failures: totalMessages(outboxFailures),
        },
        /** Messages on each DLQ, by URL. */
        queues: Object.fromEntries(
          deadLetterQueues.map((url, i) => [url, totalMessages(depths[i]!)]),
        ),
        flow: ctx.flow.samples(),
      }
    },

    /** Each consumer's dead letters (its DLQ and its subscription's delivery DLQ), read without consuming them. */
    async deadLetters() {
      return Promise.all(
        resources.consumers.map(async (c) => {
          const [dlq, delivery] = await Promise.all([
            reader.deadLetters(c.deadLetterQueueUrl, 'dlq', deadLetterPageSize),
            reader.deadLetters(c.deliveryDeadLetterQueueUrl, 'delivery', deadLetterPageSize),
          ])
          return {
            consumer: c.name,
            messages: [...dlq, ...delivery].map(({ receiptHandle: _, ...m }) => m),
          }
        }),
      )
    },

    /** `pipeline dlq redrive <consumer> [--event-id]`: the same function, every message or one event's. */
    redrive(body: unknown) {
      const { consumer, eventId } = parse(
        z.object({ consumer: z.string().min(1), eventId: z.string().min(1).optional() }),
        body,
      )
      return redrive(reader.target, sourceNamed(reader.target, resources, consumer), {
        choice: 'both',
        limit: Number.POSITIVE_INFINITY,
        ...(eventId ? { eventId } : {}),
      })
    },

    /** `pipeline trace <eventId>`, with its spans laid out as a waterfall. */
    async trace(eventId: string) {
      if (!eventId) throw new CliError('give an event id')
      const trace = await traceEvent(reader, resources, eventId, { eventStore: true })
      return { ...trace, waterfall: trace.spans ? waterfall(trace.spans) : null }
    },

    /** `pipeline history <orderId> [--as-of]`. */
    history(orderId: string, asOf: string) {
      if (!orderId) throw new CliError('give an order id')
      const asOfTime = asOf ? new Date(asOf) : undefined
      if (asOfTime && Number.isNaN(asOfTime.getTime())) {
        throw new CliError(`as of must be a time like 2026-05-01T12:00:00Z, got '${asOf}'`)
      }
      return readOrderHistory(reader.target, orderId, asOfTime ? { asOfTime } : {})
    },

    /** The catalogue: each event type and version with its payload's JSON Schema and an example. */
    catalogue() {
      return catalogue.map((d) => ({
        eventType: d.type,
        version: d.version,
        schema: z.toJSONSchema(d.payload, { io: 'input', unrepresentable: 'any' }),
        example: EVENT_EXAMPLES[`${d.type} v${d.version}`] ?? null,
      }))
    },

    /** `pipeline publish`: validated against the catalogue, then published (and traced). */
    async publish(body: unknown) {
      const input = parse(
        z.object({
          eventType: z.string().min(1),
          version: z.number().int().optional(),
          payload: z.unknown(),
          correlationId: z.string().min(1).optional(),
        }),
        body,
      )
      const definition = definitionOf(input.eventType, input.version)
      const event = catalogueEvent(definition, input.payload, {
        source: 'console',
        ...(input.correlationId ? { correlationId: input.correlationId } : {}),
      })
      ctx.onPublished?.(event)
      const published = await ctx.publisher.publish(event)
      return { ...published, eventType: definition.type, version: definition.version }
    },
  }
}

export type ConsoleApi = ReturnType<typeof consoleApi>

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body)
  if (!result.success) {
    throw new CliError(
      result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    )
  }
  return result.data
}
