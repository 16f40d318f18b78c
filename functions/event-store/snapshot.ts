import { EVENT_STORE_SCHEMA } from '../../contracts/event-store-tables.ts'
/**
 * How an aggregate's state is snapshotted. A snapshot is only a cache of a fold: any
 * snapshot that cannot be trusted is ignored and the stream is replayed instead.
 */
export interface SnapshotPolicy<TState> {
  /**
   * The version of the state's shape (and of the `evolve` that builds it). A snapshot taken
   * at another version is ignored: bump it whenever the state or `evolve` changes.
   */
  readonly schemaVersion: number
  /**
   * A snapshot is written with a decision once this many events follow the last snapshot
   * read (or the start of the stream). @default 50 (eventStoreDefaults.snapshotEvery)
   */
  readonly every?: number
  /** The state as JSON-able data (a Set or Map must become an array). @default the state */
  readonly toSnapshot?: (state: TState) => unknown
  /**
   * The state from that data; throw when the data is not a state (the snapshot is then
   * ignored as corrupt). @default the data as it is
   */
  readonly fromSnapshot?: (data: unknown) => TState
}

/**
 * What an aggregate read did with snapshots: `none` (no policy, no snapshots table, an
 * as-of-time read, or no snapshot yet), `used` (the state started from the snapshot at
 * `version`), or `ignored` (the snapshot at `version` could not be trusted, for `reason`,
 * and the stream was replayed from version 1).
 */
export type SnapshotUse =
  | { readonly status: 'none' }
  | { readonly status: 'used'; readonly version: number }
  | { readonly status: 'ignored'; readonly version: number; readonly reason: string }

/**
 * A snapshots-table item. The table has no stream, so the outbox publisher never sees a
 * snapshot, and events are never read from it.
 *
 * | attribute       | type | meaning                                                    |
 * | --------------- | ---- | ---------------------------------------------------------- |
 * | `pk`            | S    | the stream id                                              |
 * | `sk`            | N    | the version of the last event folded in                    |
 * | `lastEventId`   | S    | that event's eventId: a read checks the stream still has it |
 * | `schemaVersion` | N    | the policy's `schemaVersion` when it was taken             |
 * | `state`         | S    | the state as JSON (whatever the client's marshalling options) |
 */
export type SnapshotItem = {
  readonly [key in typeof snapshotsKeys.partitionKey]: string
} & { readonly [key in typeof snapshotsKeys.sortKey]: number } & {
  readonly lastEventId: string
  readonly schemaVersion: number
  readonly state: string
}

const snapshotsKeys = EVENT_STORE_SCHEMA.snapshots

/** A snapshot read back and decoded, or why it cannot be used. */
export type LoadedSnapshot<TState> =
  | {
      readonly status: 'loaded'
      readonly version: number
      readonly lastEventId: string
      readonly state: TState
    }
  | { readonly status: 'ignored'; readonly version: number; readonly reason: string }

/** What is wrong with a policy: `every` and `schemaVersion` must be positive integers. */
export function snapshotPolicyProblems(
  policy: Pick<SnapshotPolicy<unknown>, 'schemaVersion' | 'every'>,
): string[] {
  const problems: string[] = []
  if (!Number.isInteger(policy.schemaVersion) || policy.schemaVersion < 1) {
    problems.push(`snapshots.schemaVersion must be an integer ≥ 1 (got ${policy.schemaVersion})`)
  }
  if (policy.every !== undefined && (!Number.isInteger(policy.every) || policy.every < 1)) {
    problems.push(`snapshots.every must be an integer ≥ 1 (got ${policy.every})`)
  }
  return problems
}

/** The item that snapshots `state`, folded up to event `lastEventId` at `version`. */
export function toSnapshotItem<TState>(
  streamId: string,
  version: number,
  lastEventId: string,
  state: TState,
  policy: SnapshotPolicy<TState>,
): SnapshotItem {
  const data = policy.toSnapshot ? policy.toSnapshot(state) : state
  return {
    [snapshotsKeys.partitionKey]: streamId,
    [snapshotsKeys.sortKey]: version,
    lastEventId,
    schemaVersion: policy.schemaVersion,
    state: JSON.stringify(data),
  }
}

/** Decodes a snapshots-table item for `policy`; anything off makes it `ignored`. */
export function fromSnapshotItem<TState>(
  item: Record<string, unknown>,
  policy: SnapshotPolicy<TState>,
): LoadedSnapshot<TState> {
  const version = Number(item[snapshotsKeys.sortKey])
  const ignored = (reason: string) => ({ status: 'ignored', version, reason }) as const
  if (!Number.isInteger(version) || version < 1) return ignored('its sk is not a version')
  if (typeof item.lastEventId !== 'string' || item.lastEventId === '') {
    return ignored('it has no lastEventId')
  }
  if (item.schemaVersion !== policy.schemaVersion) {
    return ignored(
      `its state schema version is ${String(item.schemaVersion)}; the aggregate's is ${policy.schemaVersion}`,
    )
  }
  if (typeof item.state !== 'string') return ignored('it has no state')
  try {
    const data: unknown = JSON.parse(item.state)
    const state = policy.fromSnapshot ? policy.fromSnapshot(data) : (data as TState)
    return { status: 'loaded', version, lastEventId: item.lastEventId, state }
  } catch (error) {
    return ignored(`its state does not decode: ${(error as Error).message}`)
  }
}
