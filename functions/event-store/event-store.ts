import { createHash } from 'node:crypto'
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb'
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb'
import { AWS_LIMITS } from '../../contracts/aws-limits.ts'
import {
  EVENT_STORE_SCHEMA,
  ORIGIN_ATTRIBUTE,
  PUBLISHED_ORIGIN,
  STORED_EVENT_ORIGIN,
  type StoredOrigin,
} from '../../contracts/event-store-tables.ts'
import { catalogue } from '../catalogue/catalogue.ts'
import type { EventDefinition } from '../catalogue/define-event.ts'
import type { EventEnvelope } from '../catalogue/envelope.ts'
import { upcastEvent } from '../catalogue/upcast-event.ts'
import { validateEvent } from '../catalogue/validate-event.ts'
import { toBusEvent, toStoredEvent } from '../outbox-publisher/stored-event.ts'
import type { Decider } from './decider.ts'
import { InvalidStreamRequestError, WrongExpectedVersionError } from './errors.ts'
import { eventStoreDefaults, maxItemBytes } from './event-store-defaults.ts'
import type { ExpectedVersion } from './expected-version.ts'
import type { RecordedEvent } from './recorded-event.ts'
import {
  fromSnapshotItem,
  type LoadedSnapshot,
  type SnapshotPolicy,
  type SnapshotUse,
  snapshotPolicyProblems,
  toSnapshotItem,
} from './snapshot.ts'

const { events: eventsKeys, snapshots: snapshotsKeys } = EVENT_STORE_SCHEMA

/**
 * The ExpressionAttributeNames of a table's keys as the expressions here write them:
 * `#stream` the stream id, `#version` the version. Only the names used are passed
 * (DynamoDB refuses unused ones).
 */
function keyNames(
  keys: { readonly partitionKey: string; readonly sortKey: string },
  ...expressions: string[]
): Record<string, string> {
  const used = expressions.join(' ')
  return {
    ...(used.includes('#stream') ? { '#stream': keys.partitionKey } : {}),
    ...(used.includes('#version') ? { '#version': keys.sortKey } : {}),
  }
}

/** One item of a TransactWriteItems request, in the document client's form. */
export type AppendWrite = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

export interface EventStoreOptions {
  /** A document client (lib-dynamodb); its endpoint comes from the target. */
  readonly client: DynamoDBDocumentClient
  /** The events table, keyed by stream id and version (EVENT_STORE_SCHEMA.events). */
  readonly eventsTable: string
  /** The events an append accepts. @default catalogue */
  readonly definitions?: readonly EventDefinition[]
  /** Items per Query page when reading. @default 100 (eventStoreDefaults.pageSize) */
  readonly pageSize?: number
  /**
   * The snapshots table, keyed by stream id and the version a snapshot folds up to
   * (EVENT_STORE_SCHEMA.snapshots).
   * A companion table without a stream, so the outbox never publishes a snapshot and no
   * read or Scan of the events table meets one.
   * @default - none: aggregate reads replay every event and decisions write no snapshot
   */
  readonly snapshotsTable?: string
}

export interface AppendOptions {
  readonly expectedVersion: ExpectedVersion
  /**
   * Where the events come from, for all of them or each (a step that records the event it
   * consumed and appends what it decided in one append).
   * @default 'decided' (the outbox publishes the events)
   */
  readonly origin?: StoredOrigin | ((event: EventEnvelope) => StoredOrigin)
  /**
   * The exact `expectedVersion` is the stream's version as a consistent read of it just
   * returned (a decision's), not a caller's number: its event exists and events are never
   * removed, so the ConditionCheck on it is left out (2 WRU in a transaction). The put of the
   * next version, on the condition that it is free, still refuses a writer that came first.
   * @default false
   */
  readonly versionRead?: boolean
}

/** An append as writes, for a caller to commit in its own TransactWriteItems. */
export interface PreparedAppend {
  readonly streamId: string
  readonly expectedVersion: ExpectedVersion
  /** The version the stream must be at when the writes commit. */
  readonly streamVersion: number
  /** The stream's version after the writes commit. */
  readonly nextExpectedVersion: number
  /**
   * A ConditionCheck on the current last event when a caller's number needs one, then one
   * Put per event.
   */
  readonly writes: AppendWrite[]
  readonly events: RecordedEvent[]
}

export interface AppendResult {
  readonly streamId: string
  readonly nextExpectedVersion: number
  readonly events: RecordedEvent[]
}

export interface ReadStreamOptions {
  /** @default 1 */
  readonly fromVersion?: number
  /** @default - the last event */
  readonly toVersion?: number
  /**
   * Only events whose `timestamp` is at or before this time. Events of a stream recorded from
   * the bus need not be in timestamp order, so this filters rather than cuts.
   * @default - no time limit
   */
  readonly asOf?: Date | string
}

export type AggregateOptions<TState = unknown> = (
  | { readonly asOfVersion?: number; readonly asOfTime?: undefined }
  | { readonly asOfVersion?: undefined; readonly asOfTime?: Date | string }
) & {
  /**
   * Start from the latest snapshot (at or before `asOfVersion`) and read only the events
   * after it. Not used for `asOfTime` (a stream's timestamps need not be in order).
   * @default - no snapshot: every event is read
   */
  readonly snapshots?: SnapshotPolicy<TState>
}

export interface AggregateResult<TState> {
  readonly state: TState
  /** The version of the last event folded in (or the snapshot's); 0 when none was. */
  readonly streamVersion: number
  /** The events folded in: those after the snapshot when one was used. */
  readonly events: RecordedEvent[]
  readonly snapshot: SnapshotUse
}

/**
 * The event store client: streams of events in the events table, keyed by stream id and
 * version (EVENT_STORE_SCHEMA). An append is one TransactWriteItems of conditional puts (a put per new
 * version, `attribute_not_exists`, and, for a caller's expected version, a ConditionCheck
 * that it exists), so a multi-event append is atomic and two writers cannot both take a version.
 * The stored items are what the outbox publisher reads from the table's stream.
 */
export class EventStore {
  readonly #options: EventStoreOptions
  readonly #pageSize: number

  constructor(options: EventStoreOptions) {
    this.#options = options
    this.#pageSize = options.pageSize ?? eventStoreDefaults.pageSize
    const problems = [
      ...(Number.isInteger(this.#pageSize) && this.#pageSize >= 1
        ? []
        : [`pageSize must be a positive integer (got ${this.#pageSize})`]),
      // Same keys: a snapshot would overwrite the event at its version, and be published.
      ...(options.snapshotsTable === options.eventsTable
        ? [`snapshotsTable must not be the events table (${options.eventsTable})`]
        : []),
    ]
    if (problems.length > 0) throw new InvalidStreamRequestError('event store options', problems)
  }

  get eventsTable(): string {
    return this.#options.eventsTable
  }

  /**
   * Appends events to a stream if it is at the expected version. Throws
   * `WrongExpectedVersionError` naming the stream and both versions when it is not;
   * `expectedVersion: 'any'` retries instead, up to `eventStoreDefaults.anyVersionAttempts`.
   */
  async append(
    streamId: string,
    events: readonly EventEnvelope[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const attempts = options.expectedVersion === 'any' ? eventStoreDefaults.anyVersionAttempts : 1
    for (let attempt = 1; ; attempt++) {
      const prepared = await this.prepareAppend(streamId, events, options)
      try {
        await this.#options.client.send(
          new TransactWriteCommand({
            TransactItems: prepared.writes,
            ClientRequestToken: requestToken(prepared),
          }),
        )
        return {
          streamId,
          nextExpectedVersion: prepared.nextExpectedVersion,
          events: prepared.events,
        }
      } catch (error) {
        if (!isConditionFailure(error)) throw error
        if (attempt < attempts) continue
        const actual = await this.streamVersion(streamId)
        throw new WrongExpectedVersionError(streamId, options.expectedVersion, actual, {
          cause: error,
        })
      }
    }
  }

  /**
   * The writes of an append without sending them, for a caller that commits them in its own
   * TransactWriteItems with its other writes (all or nothing). A ConditionalCheckFailed on
   * one of them means the stream was not at `streamVersion`. Reads the stream's version first
   * for `'any'` and `'stream-exists'`; throws `WrongExpectedVersionError` when that read
   * already shows the expectation fails.
   */
  async prepareAppend(
    streamId: string,
    events: readonly EventEnvelope[],
    options: AppendOptions,
  ): Promise<PreparedAppend> {
    const { expectedVersion } = options
    const originOf =
      typeof options.origin === 'function'
        ? options.origin
        : () => (options.origin as StoredOrigin | undefined) ?? PUBLISHED_ORIGIN
    const valid = this.#validateAppend(streamId, events, options)
    const exact = typeof expectedVersion === 'number'
    let streamVersion: number
    if (exact) streamVersion = expectedVersion
    else if (expectedVersion === 'no-stream') streamVersion = 0
    else {
      streamVersion = await this.streamVersion(streamId)
      if (expectedVersion === 'stream-exists' && streamVersion === 0) {
        throw new WrongExpectedVersionError(streamId, expectedVersion, 0)
      }
    }
    const table = this.#options.eventsTable
    const writes: AppendWrite[] = []
    // A version read just now exists and events are immutable; only a caller's number needs
    // the check that the stream has got that far.
    if (exact && streamVersion > 0 && options.versionRead !== true) {
      writes.push({
        ConditionCheck: {
          TableName: table,
          Key: { [eventsKeys.partitionKey]: streamId, [eventsKeys.sortKey]: streamVersion },
          ConditionExpression: 'attribute_exists(#stream)',
          ExpressionAttributeNames: keyNames(eventsKeys, '#stream'),
        },
      })
    }
    const recorded = valid.map(
      (event, i): RecordedEvent => ({
        streamId,
        streamVersion: streamVersion + i + 1,
        origin: originOf(event),
        event,
      }),
    )
    for (const r of recorded) {
      writes.push({
        Put: {
          TableName: table,
          Item: toStoredEvent(streamId, r.streamVersion, r.event, r.origin),
          ConditionExpression: 'attribute_not_exists(#stream)',
          ExpressionAttributeNames: keyNames(eventsKeys, '#stream'),
        },
      })
    }
    if (writes.length > AWS_LIMITS.dynamodb.maxTransactItems) {
      throw new InvalidStreamRequestError(`append to ${streamId}`, [
        `${events.length} events need ${writes.length} writes; one transaction takes at most ${AWS_LIMITS.dynamodb.maxTransactItems}`,
      ])
    }
    return {
      streamId,
      expectedVersion,
      streamVersion,
      nextExpectedVersion: streamVersion + valid.length,
      writes,
      events: recorded,
    }
  }

  /** The stream's current version (its last event's), 0 when it has no events. */
  async streamVersion(streamId: string): Promise<number> {
    const result = await this.#options.client.send(
      new QueryCommand({
        TableName: this.#options.eventsTable,
        KeyConditionExpression: '#stream = :stream',
        ExpressionAttributeValues: { ':stream': streamId },
        ProjectionExpression: '#version',
        ExpressionAttributeNames: keyNames(eventsKeys, '#stream', '#version'),
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    )
    return (result.Items?.[0]?.[eventsKeys.sortKey] as number | undefined) ?? 0
  }

  /**
   * A recorded event as reads return it: at the newest version of its type that this store's
   * definitions know, through the catalogue's upcasters (the stored item stays as written).
   */
  upcast(recorded: RecordedEvent): RecordedEvent {
    const event = upcastEvent(recorded.event, this.#options.definitions ?? catalogue)
    return event === recorded.event ? recorded : { ...recorded, event }
  }

  /**
   * A stream's events in version order, read with strongly consistent paged Queries, each
   * upcast to its type's newest version.
   */
  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = []
    for await (const page of this.readStreamPages(streamId, options)) events.push(...page)
    return events
  }

  /** The same, one Query page at a time, for streams too long to hold at once. */
  async *readStreamPages(
    streamId: string,
    options: ReadStreamOptions = {},
  ): AsyncGenerator<RecordedEvent[]> {
    const fromVersion = options.fromVersion ?? 1
    const toVersion = options.toVersion ?? Number.MAX_SAFE_INTEGER
    const asOf = options.asOf === undefined ? undefined : new Date(options.asOf).getTime()
    const problems = [
      ...(typeof streamId === 'string' && streamId !== '' ? [] : ['streamId must be non-empty']),
      ...(Number.isInteger(fromVersion) && fromVersion >= 1
        ? []
        : [`fromVersion must be an integer ≥ 1 (got ${fromVersion})`]),
      ...(Number.isInteger(toVersion) && toVersion >= 0
        ? []
        : [`toVersion must be an integer ≥ 0 (got ${toVersion})`]),
      ...(asOf === undefined || !Number.isNaN(asOf)
        ? []
        : [`asOf must be a valid time (got ${String(options.asOf)})`]),
    ]
    if (problems.length > 0) throw new InvalidStreamRequestError(`read of ${streamId}`, problems)
    if (toVersion < fromVersion) return
    let startKey: QueryCommandInput['ExclusiveStartKey']
    do {
      const result = await this.#options.client.send(
        new QueryCommand({
          TableName: this.#options.eventsTable,
          KeyConditionExpression: '#stream = :stream AND #version BETWEEN :from AND :to',
          ExpressionAttributeNames: keyNames(eventsKeys, '#stream', '#version'),
          ExpressionAttributeValues: {
            ':stream': streamId,
            ':from': fromVersion,
            ':to': toVersion,
          },
          ConsistentRead: true,
          Limit: this.#pageSize,
          ExclusiveStartKey: startKey,
        }),
      )
      startKey = result.LastEvaluatedKey
      const page = (result.Items ?? [])
        .map((item) => this.upcast(toRecordedEvent(item)))
        .filter((r) => asOf === undefined || new Date(r.event.timestamp).getTime() <= asOf)
      if (page.length > 0) yield page
    } while (startKey)
  }

  /**
   * The state of a stream as of a version or a time: its events folded with the decider's
   * `evolve` from `initialState()`, or from the latest snapshot when `snapshots` is given.
   * A snapshot is used only if the stream still holds the event it was taken after, at its
   * version; otherwise (and when it is missing, corrupt or of another state schema
   * version) the stream is replayed. The events are the catalogue's, validated when appended.
   */
  async aggregateStream<TState, TEvent extends EventEnvelope>(
    decider: Pick<Decider<unknown, TEvent, TState>, 'evolve' | 'initialState'>,
    streamId: string,
    options: AggregateOptions<TState> = {},
  ): Promise<AggregateResult<TState>> {
    const { asOfVersion, asOfTime, snapshots } = options
    const problems = snapshots ? snapshotPolicyProblems(snapshots) : []
    if (problems.length > 0) throw new InvalidStreamRequestError(`read of ${streamId}`, problems)
    const snapshot =
      snapshots && asOfTime === undefined
        ? await this.#latestSnapshot(streamId, snapshots, asOfVersion)
        : undefined
    const fold = (state: TState, events: RecordedEvent[], use: SnapshotUse) => {
      for (const recorded of events) state = decider.evolve(state, recorded.event as TEvent)
      const streamVersion =
        events.at(-1)?.streamVersion ?? (use.status === 'used' ? use.version : 0)
      return { state, streamVersion, events, snapshot: use }
    }
    let use: SnapshotUse = { status: 'none' }
    if (snapshot?.status === 'loaded') {
      // From the snapshot's own version: its event must still be there, or the snapshot
      // belongs to another history of the stream (restored, or written without its events).
      const [first, ...after] = await this.readStream(streamId, {
        fromVersion: snapshot.version,
        ...(asOfVersion === undefined ? {} : { toVersion: asOfVersion }),
      })
      if (
        first?.streamVersion === snapshot.version &&
        first.event.eventId === snapshot.lastEventId
      ) {
        return fold(snapshot.state, after, { status: 'used', version: snapshot.version })
      }
      use = {
        status: 'ignored',
        version: snapshot.version,
        reason: first
          ? `the stream's event ${snapshot.version} is ${first.event.eventId}, not ${snapshot.lastEventId}`
          : `the stream has no event ${snapshot.version}`,
      }
    } else if (snapshot) use = snapshot
    const events = await this.readStream(streamId, {
      ...(asOfVersion === undefined ? {} : { toVersion: asOfVersion }),
      ...(asOfTime === undefined ? {} : { asOf: asOfTime }),
    })
    return fold(decider.initialState(), events, use)
  }

  /**
   * The Put that snapshots `state` as of the last of `events` (just appended), to commit
   * with the append. Undefined without a snapshots table, and when the state is too large
   * for one item (the aggregate is then replayed; a failed transaction would be worse).
   */
  snapshotWrite<TState>(
    streamId: string,
    events: readonly RecordedEvent[],
    state: TState,
    policy: SnapshotPolicy<TState>,
  ): AppendWrite | undefined {
    const table = this.#options.snapshotsTable
    const last = events.at(-1)
    if (!table || !last) return undefined
    const item = toSnapshotItem(streamId, last.streamVersion, last.event.eventId, state, policy)
    const bytes = Object.entries(item).reduce(
      (sum, [name, value]) =>
        sum + Buffer.byteLength(name) + (typeof value === 'string' ? Buffer.byteLength(value) : 21),
      0,
    )
    if (bytes > maxItemBytes) return undefined
    // Unconditional: only the transaction that appends this version can commit it.
    return { Put: { TableName: table, Item: { ...item } } }
  }

  async #latestSnapshot<TState>(
    streamId: string,
    policy: SnapshotPolicy<TState>,
    toVersion: number | undefined,
  ): Promise<LoadedSnapshot<TState> | undefined> {
    const table = this.#options.snapshotsTable
    if (!table) return undefined
    const condition =
      toVersion === undefined ? '#stream = :stream' : '#stream = :stream AND #version <= :to'
    const result = await this.#options.client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: condition,
        ExpressionAttributeNames: keyNames(snapshotsKeys, condition),
        ExpressionAttributeValues: {
          ':stream': streamId,
          ...(toVersion === undefined ? {} : { ':to': toVersion }),
        },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    )
    const item = result.Items?.[0]
    return item ? fromSnapshotItem(item, policy) : undefined
  }

  #validateAppend(
    streamId: string,
    events: readonly EventEnvelope[],
    options: AppendOptions,
  ): EventEnvelope[] {
    const { expectedVersion } = options
    const problems: string[] = []
    if (typeof streamId !== 'string' || streamId === '' || streamId.length > 1024) {
      problems.push('streamId must be a string of 1 to 1024 characters')
    }
    if (
      !(
        expectedVersion === 'no-stream' ||
        expectedVersion === 'stream-exists' ||
        expectedVersion === 'any' ||
        (Number.isInteger(expectedVersion) && (expectedVersion as number) >= 0)
      )
    ) {
      problems.push(
        `expectedVersion must be 'no-stream', 'stream-exists', 'any' or an integer ≥ 0 (got ${String(expectedVersion)})`,
      )
    }
    if (
      options.origin !== undefined &&
      typeof options.origin !== 'function' &&
      !Object.values<string>(STORED_EVENT_ORIGIN).includes(options.origin)
    ) {
      problems.push(`origin must be 'decided' or 'recorded' (got ${String(options.origin)})`)
    }
    if (!Array.isArray(events) || events.length === 0) problems.push('events must not be empty')
    const valid: EventEnvelope[] = []
    const ids = new Set<string>()
    for (const [i, event] of (Array.isArray(events) ? events : []).entries()) {
      try {
        const parsed = validateEvent(event, this.#options.definitions ?? catalogue)
        if (ids.has(parsed.eventId))
          problems.push(`events[${i}]: eventId ${parsed.eventId} repeats`)
        ids.add(parsed.eventId)
        valid.push(parsed)
      } catch (error) {
        problems.push(`events[${i}]: ${(error as Error).message}`)
      }
    }
    if (problems.length > 0) throw new InvalidStreamRequestError(`append to ${streamId}`, problems)
    return valid
  }
}

function toRecordedEvent(item: Record<string, unknown>): RecordedEvent {
  return {
    streamId: item[eventsKeys.partitionKey] as string,
    streamVersion: item[eventsKeys.sortKey] as number,
    origin:
      item[ORIGIN_ATTRIBUTE] === STORED_EVENT_ORIGIN.recorded
        ? STORED_EVENT_ORIGIN.recorded
        : STORED_EVENT_ORIGIN.decided,
    event: toBusEvent(item) as EventEnvelope,
  }
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed')
  )
}

/**
 * The same append gets the same token, so an SDK retry of a request that did commit is a
 * no-op rather than a false version conflict (DynamoDB remembers tokens for 10 minutes).
 */
function requestToken(prepared: PreparedAppend): string {
  const identity = [
    prepared.streamId,
    prepared.streamVersion,
    ...prepared.events.map((e) => e.event.eventId),
  ].join('\u0000')
  return createHash('sha256').update(identity).digest('hex').slice(0, 36)
}
