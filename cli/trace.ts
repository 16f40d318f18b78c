import type { Command } from 'commander'
import { IDEMPOTENCY_STATUS } from '../contracts/idempotency-table.ts'
import { EVENT_MESSAGE_ATTRIBUTES } from '../contracts/message-attributes.ts'
import type { ConsumerResources, PipelineResources } from '../contracts/outputs.ts'
import type { SpanRecord } from '../contracts/trace-context.ts'
import { catalogue } from '../functions/catalogue/index.ts'
import { CliError } from './cli-error.ts'
import type { DeadLetter, DeadLetterFailure } from './dlq-messages.ts'
import { eventMessage, filterPolicySelects } from './filter-policy.ts'
import {
  type IdempotencyRecord,
  type PipelineReader,
  pipelineReader,
  type StoredEventPlace,
  type SubscriptionFilter,
} from './readers/index.ts'
import { describeWaterfall } from './span-waterfall.ts'
import { type TargetOptions, useTarget, withTargetOptions } from './target.ts'
import { textTable } from './text-table.ts'

interface TraceOptions extends TargetOptions {
  readonly eventType?: string
  readonly eventStore: boolean
}

/** Where one event went at one consumer. */
interface ConsumerTrace {
  readonly consumer: string
  /** Whether its subscription's filter policy selects the event; null when unknown. */
  readonly subscribed: boolean | null
  readonly record: IdempotencyRecord | null
  /** Its copies on the consumer's DLQs, with why they failed. */
  readonly deadLetters: readonly {
    readonly queue: DeadLetter['queue']
    readonly messageId: string
    readonly failure: DeadLetterFailure | null
  }[]
  /** One word: processed, in-progress, retrying, dead-lettered, not-delivered, pending, not-subscribed. */
  readonly state: string
}

export interface EventTrace {
  readonly eventId: string
  readonly eventType: string | null
  readonly consumers: readonly ConsumerTrace[]
  /** Null when not read (--no-event-store). */
  readonly eventStore: {
    readonly stored: readonly StoredEventPlace[]
    readonly caused: readonly StoredEventPlace[]
  } | null
  /** Its trace's OpenTelemetry spans, where the target keeps them (see PipelineReader.spans). */
  readonly spans: readonly SpanRecord[] | null
}

/**
 * Whether a subscription selects an event of the type at one of the versions (the event's,
 * when known); by its type alone when no version is known.
 */
export function selectsType(
  filter: SubscriptionFilter | undefined,
  eventType: string,
  versions: readonly number[],
): boolean | undefined {
  if (versions.length === 0) {
    const { name, dataType } = EVENT_MESSAGE_ATTRIBUTES.eventType
    const attributes = { [name]: { DataType: dataType, StringValue: eventType } }
    return filterPolicySelects(filter, { attributes }, { partial: true })
  }
  const results = versions.map((version) =>
    filterPolicySelects(filter, eventMessage({ eventType, version })),
  )
  if (results.includes(true)) return true
  return results.includes(undefined) ? undefined : false
}

function versionOf(letter: DeadLetter): number | undefined {
  try {
    const version = (JSON.parse(letter.body) as { version?: unknown }).version
    return typeof version === 'number' ? version : undefined
  } catch {
    return undefined
  }
}

/** How many messages of each DLQ trace reads at most. */
const deadLetterScanLimit = 1000

/**
 * Where one event went: per consumer, its idempotency record and DLQ copies; its place in
 * the event store; the spans of its trace.
 */
export async function traceEvent(
  reader: PipelineReader,
  pipeline: PipelineResources,
  eventId: string,
  options: { readonly eventType?: string; readonly eventStore: boolean },
): Promise<EventTrace> {
  const [filters, records, deadLetters, eventStore, spans] = await Promise.all([
    reader.subscriptionFilters(pipeline.eventTopicArn),
    Promise.all(
      pipeline.consumers.map((c) =>
        reader.idempotencyRecord(pipeline.idempotencyTableName, c.name, eventId),
      ),
    ),
    Promise.all(pipeline.consumers.map((c) => deadLettersOf(reader, c, eventId))),
    options.eventStore ? reader.storedEventPlaces(pipeline.eventsTableName, eventId) : null,
    reader.spans(eventId).catch(() => null),
  ])
  const eventType =
    options.eventType ??
    deadLetters.flat().find((m) => m.eventType)?.eventType ??
    eventStore?.stored[0]?.eventType ??
    null
  // The version a dead letter carries, else every version the catalogue has of the type.
  const version = deadLetters
    .flat()
    .map(versionOf)
    .find((v) => v !== undefined)
  const versions =
    version === undefined || eventType === null
      ? catalogue.filter((d) => d.type === eventType).map((d) => d.version)
      : [version]
  const consumers = pipeline.consumers.map((c, i): ConsumerTrace => {
    const subscribed =
      eventType === null ? undefined : selectsType(filters.get(c.queueArn), eventType, versions)
    const record = records[i] ?? null
    const copies = deadLetters[i] ?? []
    return {
      consumer: c.name,
      subscribed: subscribed ?? null,
      record,
      deadLetters: copies.map((m) => ({
        queue: m.queue,
        messageId: m.messageId,
        failure: m.failure ?? null,
      })),
      state: stateOf(subscribed, record, copies),
    }
  })
  const nothing =
    consumers.every((c) => c.record === null && c.deadLetters.length === 0) &&
    !eventStore?.stored.length &&
    !eventStore?.caused.length &&
    !spans?.length
  if (nothing && options.eventType === undefined) {
    throw new CliError(
      `no trace of event ${eventId}: no consumer has an idempotency record of it, no DLQ holds it${options.eventStore ? ', and the event store does not have it' : ''} (still queued, selected by no consumer, past the dedupe window, or never published; --event-type says which consumers should get it)`,
    )
  }
  return { eventId, eventType, consumers, eventStore, spans }
}

function stateOf(
  subscribed: boolean | undefined,
  record: IdempotencyRecord | null,
  deadLetters: readonly DeadLetter[],
): string {
  if (deadLetters.some((m) => m.queue === 'delivery')) return 'not-delivered'
  if (deadLetters.length > 0) return 'dead-lettered'
  switch (record?.status) {
    case IDEMPOTENCY_STATUS.completed:
      return 'processed'
    case IDEMPOTENCY_STATUS.inProgress:
      return 'in-progress'
    case IDEMPOTENCY_STATUS.released:
      return 'retrying'
  }
  return subscribed === false ? 'not-subscribed' : 'pending'
}

async function deadLettersOf(
  reader: PipelineReader,
  consumer: ConsumerResources,
  eventId: string,
): Promise<DeadLetter[]> {
  const [dlq, delivery] = await Promise.all([
    reader.deadLetters(consumer.deadLetterQueueUrl, 'dlq', deadLetterScanLimit),
    reader.deadLetters(consumer.deliveryDeadLetterQueueUrl, 'delivery', deadLetterScanLimit),
  ])
  return [...dlq, ...delivery].filter((m) => m.eventId === eventId)
}

function describeTrace(trace: EventTrace): string {
  const lines = [`event ${trace.eventId} (${trace.eventType ?? 'type unknown'})`]
  if (trace.eventStore) {
    const place = (p: StoredEventPlace) =>
      `${p.streamId} v${p.streamVersion}${p.origin ? ` (${p.origin})` : ''}`
    lines.push(
      `  event store: ${trace.eventStore.stored.length > 0 ? trace.eventStore.stored.map(place).join(', ') : 'not stored'}`,
    )
    for (const c of trace.eventStore.caused) {
      lines.push(`  caused ${c.eventType} ${c.eventId} in ${place(c)}`)
    }
  }
  lines.push(
    textTable(
      [
        { title: 'consumer', cell: (c) => c.consumer },
        {
          title: 'subscribed',
          cell: (c) => (c.subscribed === null ? '?' : c.subscribed ? 'yes' : 'no'),
        },
        { title: 'state', cell: (c) => c.state },
        { title: 'details', cell: details },
      ],
      trace.consumers,
      { indent: '  ' },
    ),
  )
  if (trace.spans && trace.spans.length > 0) {
    lines.push('', `  spans (${trace.spans.length}, trace ${trace.spans[0]?.traceId}):`)
    lines.push(
      describeWaterfall(trace.spans)
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n'),
    )
  }
  return lines.join('\n')
}

function details(c: ConsumerTrace): string {
  const parts: string[] = []
  const failure = c.deadLetters.find((m) => m.failure)?.failure
  if (failure) {
    parts.push(
      `${failure.errorName ?? 'Error'}: ${failure.errorMessage ?? ''} (attempts ${failure.attempts ?? '?'}, last failure ${failure.lastFailureAt ?? '?'})`,
    )
  }
  const r = c.record
  if (r) {
    parts.push(
      [
        `record ${r.status}`,
        r.completedAt && `completed ${r.completedAt}`,
        r.leaseExpiresAt && `lease until ${r.leaseExpiresAt}`,
        r.failures !== undefined && `${r.failures} failure${r.failures === 1 ? '' : 's'}`,
        r.lastFailureAt && `last ${r.lastFailureAt}`,
      ]
        .filter(Boolean)
        .join(', '),
    )
  }
  if (c.deadLetters.length > 0 && !failure)
    parts.push(
      `on the ${c.deadLetters[0]?.queue === 'delivery' ? 'delivery DLQ (SNS could not deliver it)' : 'DLQ'}`,
    )
  return parts.join('; ')
}

export function registerTraceCommand(program: Command): void {
  withTargetOptions(
    program
      .command('trace')
      .description(
        'where one event went: per consumer, whether its filter selects it, its idempotency record (COMPLETED, IN_PROGRESS, RELEASED), whether it is on the DLQ; and its place in the event store',
      )
      .argument('<eventId>', "the envelope's eventId")
      .option(
        '--event-type <type>',
        'the event type, to say which consumers should get it (default: from its DLQ copy or the event store)',
      )
      .option('--no-event-store', 'do not scan the events table (a Scan: costly on a large table)'),
  ).action((eventId: string, options: TraceOptions) =>
    useTarget(options, async (target) => {
      const reader = pipelineReader(target)
      const trace = await traceEvent(reader, await reader.resources(), eventId, {
        eventType: options.eventType,
        eventStore: options.eventStore,
      })
      console.log(options.json ? JSON.stringify(trace) : describeTrace(trace))
    }),
  )
}
