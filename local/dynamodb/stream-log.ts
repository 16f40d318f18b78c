import { randomBytes, randomUUID } from 'node:crypto'
import type { BatchOperation, KeySchemaElement, LevelDb } from 'dynalite/db/index.js'
import { itemSize } from 'dynalite/db/index.js'
import type { TableDescription, WireItem } from './dynalite-store.ts'
import { itemsEqual } from './items-equal.ts'

const streamViewTypes = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'] as const
export type StreamViewType = (typeof streamViewTypes)[number]

/** How long DynamoDB Streams keeps a record. */
const streamRetentionMs = 24 * 60 * 60 * 1000

/** One DynamoDB stream: a table has at most one enabled, and earlier ones stay readable 24 h. */
export interface StreamInfo {
  readonly arn: string
  readonly label: string
  readonly tableName: string
  readonly viewType: StreamViewType
  readonly keySchema: KeySchemaElement[]
  /** Epoch seconds. */
  readonly createdAt: number
  readonly shardId: string
  readonly startingSequenceNumber: string
  status: 'ENABLED' | 'DISABLED'
  endingSequenceNumber?: string
  /**
   * The sequence number of the newest record trimmed away (the trim horizon); absent while
   * nothing was trimmed, when it is just before startingSequenceNumber. Sequence numbers are
   * shared across streams, so a stream's first record need not follow its horizon directly.
   */
  trimmedThrough?: string
}

/** The identity DynamoDB puts on the REMOVE records of items that time to live deleted. */
const ttlUserIdentity = { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' } as const

/** A stream record as GetRecords returns it on the wire. */
export interface WireStreamRecord {
  eventID: string
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE'
  eventVersion: '1.1'
  eventSource: 'aws:dynamodb'
  awsRegion: string
  dynamodb: {
    ApproximateCreationDateTime: number
    Keys: WireItem
    NewImage?: WireItem
    OldImage?: WireItem
    SequenceNumber: string
    SizeBytes: number
    StreamViewType: StreamViewType
  }
  userIdentity?: typeof ttlUserIdentity
}

/** A change to one item, as a write commits it. */
export interface ItemChange {
  readonly table: TableDescription
  /** dynalite's key string for the item. */
  readonly key: string
  readonly oldItem: WireItem | undefined
  readonly newItem: WireItem | undefined
  /** Set on deletes that time to live made. */
  readonly byTimeToLive?: boolean
}

interface LogEntry {
  readonly sequenceNumber: string
  readonly record: WireStreamRecord
  readonly appendedAtMs: number
  /** pending until its write commits; a record whose write failed is dropped. */
  state: 'pending' | 'committed' | 'dropped'
}

interface StreamState {
  readonly info: StreamInfo
  readonly entries: LogEntry[]
}

const streamKeyPrefix = '~layer~stream~'
const recordKeyPrefix = '~layer~record~'
const recordKey = (arn: string, sequenceNumber: string) =>
  `${recordKeyPrefix}${arn}~${sequenceNumber}`

/** Sequence numbers are 21-digit decimal strings, so they order as strings and as numbers. */
const sequenceBase = 10n ** 20n
const toSequenceNumber = (n: bigint) => (sequenceBase + n).toString()

/**
 * Every stream's records, in commit order, with increasing sequence numbers across all streams.
 * Records are appended as `pending` in the same tick their sequence number is taken and become
 * readable when their write commits, so readers never see a record out of order. Streams and
 * records are persisted in the same LevelDB, in the same batch as the write that made them.
 */
export class StreamLog {
  readonly #db: LevelDb
  readonly #region: string
  readonly #streams = new Map<string, StreamState>()
  #lastSequence = 0n

  constructor(db: LevelDb, region: string) {
    this.#db = db
    this.#region = region
  }

  async load(): Promise<void> {
    for await (const [, value] of this.#db.iterator({
      gte: streamKeyPrefix,
      lt: `${streamKeyPrefix}\xff`,
    })) {
      const info = value as StreamInfo
      this.#streams.set(info.arn, { info, entries: [] })
      this.#observe(info.startingSequenceNumber)
      if (info.endingSequenceNumber) this.#observe(info.endingSequenceNumber)
    }
    for await (const [, value] of this.#db.iterator({
      gte: recordKeyPrefix,
      lt: `${recordKeyPrefix}\xff`,
    })) {
      const { arn, record, appendedAtMs } = value as {
        arn: string
        record: WireStreamRecord
        appendedAtMs: number
      }
      const sequenceNumber = record.dynamodb.SequenceNumber
      this.#streams
        .get(arn)
        ?.entries.push({ sequenceNumber, record, appendedAtMs, state: 'committed' })
      this.#observe(sequenceNumber)
    }
  }

  #observe(sequenceNumber: string) {
    const n = BigInt(sequenceNumber) - sequenceBase
    // Stryker disable next-line EqualityOperator: at n equal to the last, assigning it changes nothing
    if (n > this.#lastSequence) this.#lastSequence = n
  }

  #nextSequenceNumber(): string {
    this.#lastSequence += 1n
    return toSequenceNumber(this.#lastSequence)
  }

  /** Starts a new stream on a table; persisted with the returned operation. */
  createStream(
    table: TableDescription,
    viewType: StreamViewType,
    previous: StreamInfo | undefined,
  ): { info: StreamInfo; operation: BatchOperation } {
    let createdMs = Date.now()
    // Labels name streams, so two streams of one table never share a millisecond.
    if (previous && previous.createdAt * 1000 >= createdMs)
      createdMs = previous.createdAt * 1000 + 1
    const label = new Date(createdMs).toISOString().replace('Z', '')
    const info: StreamInfo = {
      arn: `${table.TableArn}/stream/${label}`,
      label,
      tableName: table.TableName,
      viewType,
      keySchema: table.KeySchema,
      createdAt: createdMs / 1000,
      shardId: `shardId-${String(createdMs).padStart(20, '0')}-${randomBytes(4).toString('hex')}`,
      startingSequenceNumber: toSequenceNumber(this.#lastSequence + 1n),
      status: 'ENABLED',
    }
    this.#streams.set(info.arn, { info, entries: [] })
    return { info, operation: { type: 'put', key: `${streamKeyPrefix}${info.arn}`, value: info } }
  }

  /** Closes a stream's shard: it stays readable until its records expire. */
  disableStream(arn: string): BatchOperation | undefined {
    const state = this.#streams.get(arn)
    if (!state || state.info.status === 'DISABLED') return undefined
    state.info.status = 'DISABLED'
    state.info.endingSequenceNumber =
      state.entries.at(-1)?.sequenceNumber ?? state.info.startingSequenceNumber
    return { type: 'put', key: `${streamKeyPrefix}${arn}`, value: state.info }
  }

  stream(arn: string): StreamInfo | undefined {
    return this.#streams.get(arn)?.info
  }

  streams(): StreamInfo[] {
    return [...this.#streams.values()].map((state) => state.info)
  }

  /**
   * Appends the record for a change to an item, if it changed anything, as pending; returns the
   * entry and the batch operation that persists it, or undefined for a no-op write.
   */
  append(
    arn: string,
    change: ItemChange,
  ): { entry: LogEntry; operation: BatchOperation } | undefined {
    const state = this.#streams.get(arn)
    if (state?.info.status !== 'ENABLED') return undefined
    const { oldItem, newItem } = change
    if (!oldItem && !newItem) return undefined
    if (oldItem && newItem && itemsEqual(oldItem, newItem)) return undefined

    const viewType = state.info.viewType
    const anyImage = (newItem ?? oldItem) as WireItem
    const keys: WireItem = {}
    for (const { AttributeName } of state.info.keySchema) {
      const value = anyImage[AttributeName]
      // Stryker disable next-line ConditionalExpression: every item of a table holds its key attributes, so the guard never fails
      if (value) keys[AttributeName] = value
    }
    const withNew = newItem && (viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES')
    const withOld = oldItem && (viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES')
    const sequenceNumber = this.#nextSequenceNumber()
    const nowMs = Date.now()
    const record: WireStreamRecord = {
      eventID: randomUUID().replaceAll('-', ''),
      eventName: !oldItem ? 'INSERT' : !newItem ? 'REMOVE' : 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.#region,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(nowMs / 1000),
        Keys: keys,
        ...(withNew ? { NewImage: newItem } : {}),
        ...(withOld ? { OldImage: oldItem } : {}),
        SequenceNumber: sequenceNumber,
        SizeBytes:
          itemSize(keys) + (withNew ? itemSize(newItem) : 0) + (withOld ? itemSize(oldItem) : 0),
        StreamViewType: viewType,
      },
      ...(change.byTimeToLive ? { userIdentity: ttlUserIdentity } : {}),
    }
    const entry: LogEntry = { sequenceNumber, record, appendedAtMs: nowMs, state: 'pending' }
    state.entries.push(entry)
    return {
      entry,
      operation: {
        type: 'put',
        key: recordKey(arn, sequenceNumber),
        value: { arn, record, appendedAtMs: nowMs },
      },
    }
  }

  /**
   * The trim horizon: the newest sequence number whose record has expired (TRIM_HORIZON reads
   * what comes after it), or the one just before the shard's StartingSequenceNumber.
   */
  trimHorizon(arn: string): string {
    const info = this.#streams.get(arn)?.info
    if (!info) return toSequenceNumber(0n)
    return info.trimmedThrough ?? before(info.startingSequenceNumber)
  }

  /** The sequence number of the newest record (LATEST reads what comes after it). */
  latest(arn: string): string {
    const state = this.#streams.get(arn)
    return state?.entries.at(-1)?.sequenceNumber ?? this.trimHorizon(arn)
  }

  /** Whether a record with this sequence number is in the stream. */
  has(arn: string, sequenceNumber: string): boolean {
    // Stryker disable next-line ArrayDeclaration: any placeholder entry sorts before every sequence number and is never at the searched index
    const entries = this.#streams.get(arn)?.entries ?? []
    const at = firstAfter(entries, before(sequenceNumber))
    return entries[at]?.sequenceNumber === sequenceNumber
  }

  /**
   * Up to `limit` committed records after `afterSequence`, stopping at the first one whose write
   * is still in flight; and the position to read on from.
   */
  read(
    arn: string,
    afterSequence: string,
    limit: number,
  ): { records: WireStreamRecord[]; position: string } {
    // Stryker disable next-line ArrayDeclaration: any placeholder entry sorts before every sequence number and is never at the searched index
    const entries = this.#streams.get(arn)?.entries ?? []
    const records: WireStreamRecord[] = []
    let position = afterSequence
    for (let i = firstAfter(entries, afterSequence); i < entries.length; i++) {
      const entry = entries[i] as LogEntry
      if (entry.state === 'pending' || records.length >= limit) break
      position = entry.sequenceNumber
      if (entry.state === 'committed') records.push(entry.record)
    }
    return { records, position }
  }

  /** Whether a reader at `position` has read everything a closed shard will ever hold. */
  exhausted(arn: string, position: string): boolean {
    const info = this.#streams.get(arn)?.info
    if (!info?.endingSequenceNumber) return false
    return position >= this.latest(arn)
  }

  /** Drops records older than the retention period, and streams left with none that are disabled. */
  trim(nowMs: number): BatchOperation[] {
    const operations: BatchOperation[] = []
    for (const [arn, state] of this.#streams) {
      let drop = 0
      while (
        drop < state.entries.length &&
        (state.entries[drop] as LogEntry).state !== 'pending' &&
        nowMs - (state.entries[drop] as LogEntry).appendedAtMs > streamRetentionMs
      ) {
        operations.push({
          type: 'del',
          key: recordKey(arn, (state.entries[drop] as LogEntry).sequenceNumber),
        })
        drop++
      }
      if (drop > 0) {
        state.info.trimmedThrough = (state.entries[drop - 1] as LogEntry).sequenceNumber
        operations.push({ type: 'put', key: `${streamKeyPrefix}${arn}`, value: state.info })
      }
      state.entries.splice(0, drop)
      if (
        state.info.status === 'DISABLED' &&
        state.entries.length === 0 &&
        nowMs - state.info.createdAt * 1000 > streamRetentionMs
      ) {
        this.#streams.delete(arn)
        operations.push({ type: 'del', key: `${streamKeyPrefix}${arn}` })
      }
    }
    return operations
  }
}

function before(sequenceNumber: string): string {
  return toSequenceNumber(BigInt(sequenceNumber) - sequenceBase - 1n)
}

/** Index of the first entry whose sequence number is greater than `sequenceNumber`. */
function firstAfter(entries: readonly LogEntry[], sequenceNumber: string): number {
  let low = 0
  let high = entries.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if ((entries[mid] as LogEntry).sequenceNumber > sequenceNumber) high = mid
    else low = mid + 1
  }
  return low
}
