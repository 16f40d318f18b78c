import { AWS_LIMITS } from '../../contracts/aws-limits.ts'
import type { EventEnvelope } from '../catalogue/envelope.ts'
import type { Decider } from './decider.ts'
import type { AppendOptions, AppendWrite, EventStore } from './event-store.ts'
import { eventStoreDefaults } from './event-store-defaults.ts'
import type { RecordedEvent } from './recorded-event.ts'
import type { SnapshotPolicy, SnapshotUse } from './snapshot.ts'

export interface DecisionOptions<TState> {
  /** Read from the latest snapshot, and write one with the append when it is due. @default - none */
  readonly snapshots?: SnapshotPolicy<TState>
  /** For all the new events or each. @default 'decided' (the outbox publishes the events) */
  readonly origin?: AppendOptions['origin']
}

/** A command decided against a stream, as writes for the caller to commit. */
export interface PreparedDecision<TEvent extends EventEnvelope, TState> {
  readonly streamId: string
  /** The state the command was decided on. */
  readonly stateBefore: TState
  /** The state after the new events. */
  readonly state: TState
  /** The stream's version the decision was made at; the writes commit only if it still is. */
  readonly streamVersion: number
  /** The stream's version after the writes commit. */
  readonly nextExpectedVersion: number
  /** The new events, at their versions; empty when the command changes nothing. */
  readonly events: RecordedEvent<TEvent>[]
  /**
   * The append's writes (a Put per event, each on the condition that its version is free:
   * the version read exists, so it needs no check of its own) and the snapshot's Put when one
   * is due; empty when there are no new events. A ConditionalCheckFailed on them means
   * another writer appended first: decide again.
   */
  readonly writes: AppendWrite[]
  /** How the state was read. */
  readonly snapshot: SnapshotUse
  /** The version of the snapshot among the writes, when one was due. */
  readonly snapshotVersion?: number
}

/**
 * The decider glue (Emmett's handleCommandWithDecider, without the commit): reads the
 * stream's state (from its latest snapshot, then the events after it), calls the pure
 * `decide(command, state)`, and returns the new events' append, expected at exactly the
 * version read, with the snapshot when due, for the caller to commit in its own
 * TransactWriteItems (the consumer runtime adds its idempotency record: exactly once).
 */
export async function prepareDecision<TCommand, TEvent extends EventEnvelope, TState>(
  store: EventStore,
  decider: Decider<TCommand, TEvent, TState>,
  streamId: string,
  command: TCommand,
  options: DecisionOptions<TState> = {},
): Promise<PreparedDecision<TEvent, TState>> {
  const { snapshots } = options
  const read = await store.aggregateStream(decider, streamId, snapshots ? { snapshots } : {})
  const decided = decider.decide(command, read.state)
  const unchanged = {
    streamId,
    stateBefore: read.state,
    state: read.state,
    streamVersion: read.streamVersion,
    nextExpectedVersion: read.streamVersion,
    events: [],
    writes: [],
    snapshot: read.snapshot,
  }
  if (decided.length === 0) return unchanged
  const append = await store.prepareAppend(streamId, decided, {
    expectedVersion: read.streamVersion,
    versionRead: true,
    ...(options.origin === undefined ? {} : { origin: options.origin }),
  })
  // As a later read sees them (validated, upcast), so the state matches a replay.
  const events = append.events.map((r) => store.upcast(r)) as RecordedEvent<TEvent>[]
  let state = read.state
  for (const recorded of events) state = decider.evolve(state, recorded.event)
  const since = read.snapshot.status === 'used' ? read.snapshot.version : 0
  const due =
    snapshots !== undefined &&
    // Room for the snapshot and the caller's idempotency record in one transaction, or no
    // snapshot: a later decision takes it.
    append.writes.length + 2 <= AWS_LIMITS.dynamodb.maxTransactItems &&
    append.nextExpectedVersion - since >= (snapshots.every ?? eventStoreDefaults.snapshotEvery)
  const snapshotWrite = due ? store.snapshotWrite(streamId, events, state, snapshots) : undefined
  return {
    ...unchanged,
    state,
    nextExpectedVersion: append.nextExpectedVersion,
    events,
    writes: snapshotWrite ? [...append.writes, snapshotWrite] : append.writes,
    ...(snapshotWrite ? { snapshotVersion: append.nextExpectedVersion } : {}),
  }
}
