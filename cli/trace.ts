import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb'
import { SNSClient } from '@aws-sdk/client-sns'
import { SQSClient } from '@aws-sdk/client-sqs'
import type { Command } from 'commander'
import type { ConsumerResources, PipelineResources } from '../lib/outputs.ts'
import { CliError } from './cli-error.ts'
import { type DeadLetter, type DeadLetterFailure, peekDeadLetters } from './dlq-messages.ts'
import { findPipeline } from './find-pipeline.ts'
import {
  describeAwsError,
  resolveTarget,
  type Target,
  type TargetOptions,
  withTargetOptions,
} from './target.ts'
import { policySelects, subscriptionFilters } from './trace-filter-policy.ts'

export interface TraceOptions extends TargetOptions {
  readonly eventType?: string
  readonly eventStore: boolean
}

/** What a consumer's idempotency record `<consumer>#<eventId>` says; times ISO 8601. */
export interface IdempotencyRecord {
  readonly status: string
  readonly completedAt?: string
  readonly leaseExpiresAt?: string
  /** Failed attempts counted by the runtime. */
  readonly failures?: number
  readonly firstFailureAt?: string
  readonly lastFailureAt?: string
  readonly expiresAt?: string
}

/** Where one event went at one consumer. */
export interface ConsumerTrace {
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

/** An events-table item with this event id, or caused by this event. */
export interface StoredEventPlace {
  readonly streamId: string
  readonly streamVersion: number
  readonly eventId: string
  readonly eventType: string
  readonly origin: string | null
  readonly timestamp: string | null
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
}

/** How many messages of each DLQ trace reads at most. */
const deadLetterScanLimit = 1000

/** Where one event went: per consumer, its idempotency record and DLQ copies; its place in the event store. */
export async function traceEvent(
  target: Target,
  pipeline: PipelineResources,
  eventId: string,
  options: { readonly eventType?: string; readonly eventStore: boolean },
): Promise<EventTrace> {
  const sqs = new SQSClient({ ...target.clientConfig, maxAttempts: 2 })
  const sns = new SNSClient({ ...target.clientConfig, maxAttempts: 2 })
  const dynamodb = new DynamoDBClient({ ...target.clientConfig, maxAttempts: 2 })
  try {
    const [filters, records, deadLetters, eventStore] = await Promise.all([
      subscriptionFilters(sns, pipeline.eventTopicArn),
      Promise.all(
        pipeline.consumers.map((c) => idempotencyRecord(dynamodb, pipeline, c.name, eventId)),
      ),
      Promise.all(pipeline.consumers.map((c) => deadLettersOf(sqs, c, eventId))),
      options.eventStore ? storedPlaces(dynamodb, pipeline.eventsTableName, eventId) : null,
    ])
    const eventType =
      options.eventType ??
      deadLetters.flat().find((m) => m.eventType)?.eventType ??
      eventStore?.stored[0]?.eventType ??
      null
    const consumers = pipeline.consumers.map((c, i): ConsumerTrace => {
      const subscribed =
        eventType === null ? undefined : policySelects(filters.get(c.queueArn), { eventType })
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
      !eventStore?.caused.length
    if (nothing && options.eventType === undefined) {
      throw new CliError(
        `no trace of event ${eventId}: no consumer has an idempotency record of it, no DLQ holds it${options.eventStore ? ', and the event store does not have it' : ''} (still queued, selected by no consumer, past the dedupe window, or never published; --event-type says which consumers should get it)`,
      )
    }
    return { eventId, eventType, consumers, eventStore }
  } catch (error) {
    if (error instanceof CliError) throw error
    throw describeAwsError(error, target)
  } finally {
    sqs.destroy()
    sns.destroy()
    dynamodb.destroy()
  }
}

function stateOf(
  subscribed: boolean | undefined,
  record: IdempotencyRecord | null,
  deadLetters: readonly DeadLetter[],
): string {
  if (deadLetters.some((m) => m.queue === 'delivery')) return 'not-delivered'
  if (deadLetters.length > 0) return 'dead-lettered'
  switch (record?.status) {
    case 'COMPLETED':
      return 'processed'
    case 'IN_PROGRESS':
      return 'in-progress'
    case 'RELEASED':
      return 'retrying'
  }
  return subscribed === false ? 'not-subscribed' : 'pending'
}

async function idempotencyRecord(
  dynamodb: DynamoDBClient,
  pipeline: PipelineResources,
  consumer: string,
  eventId: string,
): Promise<IdempotencyRecord | null> {
  const { Item } = await dynamodb.send(
    new GetItemCommand({
      TableName: pipeline.idempotencyTableName,
      Key: { id: { S: `${consumer}#${eventId}` } },
      ConsistentRead: true,
    }),
  )
  if (!Item) return null
  const time = (name: string) => {
    const seconds = Number(Item[name]?.N)
    return Item[name]?.N !== undefined && Number.isFinite(seconds)
      ? new Date(seconds * 1000).toISOString()
      : undefined
  }
  const failures = Item.failures?.N === undefined ? undefined : Number(Item.failures.N)
  return {
    status: Item.status?.S ?? 'UNKNOWN',
    ...defined({
      completedAt: time('completedAt'),
      leaseExpiresAt: time('leaseExpiresAt'),
      failures,
      firstFailureAt: time('firstFailureAt'),
      lastFailureAt: time('lastFailureAt'),
      expiresAt: time('expiresAt'),
    }),
  }
}

function defined<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>
}

async function deadLettersOf(
  sqs: SQSClient,
  consumer: ConsumerResources,
  eventId: string,
): Promise<DeadLetter[]> {
  const [dlq, delivery] = await Promise.all([
    peekDeadLetters(sqs, consumer.deadLetterQueueUrl, 'dlq', deadLetterScanLimit),
    peekDeadLetters(sqs, consumer.deliveryDeadLetterQueueUrl, 'delivery', deadLetterScanLimit),
  ])
  return [...dlq, ...delivery].filter((m) => m.eventId === eventId)
}

/**
 * The events table items with this event id, and those it caused (`causationId`). A Scan:
 * the table is keyed by stream, not by event; on a large table on AWS, pass --no-event-store.
 */
async function storedPlaces(
  dynamodb: DynamoDBClient,
  tableName: string,
  eventId: string,
): Promise<{ stored: StoredEventPlace[]; caused: StoredEventPlace[] }> {
  const stored: StoredEventPlace[] = []
  const caused: StoredEventPlace[] = []
  let start: Record<string, AttributeValue> | undefined
  do {
    const page = await dynamodb.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'eventId = :id OR causationId = :id',
        ExpressionAttributeValues: { ':id': { S: eventId } },
        ExclusiveStartKey: start,
      }),
    )
    for (const item of page.Items ?? []) {
      const place: StoredEventPlace = {
        streamId: item.pk?.S ?? '',
        streamVersion: Number(item.sk?.N),
        eventId: item.eventId?.S ?? '',
        eventType: item.eventType?.S ?? '',
        origin: item.origin?.S ?? null,
        timestamp: item.timestamp?.S ?? null,
      }
      ;(place.eventId === eventId ? stored : caused).push(place)
    }
    start = page.LastEvaluatedKey
  } while (start)
  return { stored, caused }
}

export function describeTrace(trace: EventTrace): string {
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
  const rows = [
    ['consumer', 'subscribed', 'state', 'details'],
    ...trace.consumers.map((c) => [
      c.consumer,
      c.subscribed === null ? '?' : c.subscribed ? 'yes' : 'no',
      c.state,
      details(c),
    ]),
  ]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)))
  for (const row of rows) {
    lines.push(
      `  ${row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd()}`,
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
  ).action(async (eventId: string, options: TraceOptions) => {
    const target = resolveTarget(options)
    const pipeline = await findPipeline(target)
    const trace = await traceEvent(target, pipeline, eventId, {
      eventType: options.eventType,
      eventStore: options.eventStore,
    })
    console.log(options.json ? JSON.stringify(trace) : describeTrace(trace))
  })
}
