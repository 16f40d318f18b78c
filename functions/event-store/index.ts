export type { StoredOrigin } from '../../contracts/event-store-tables.ts'
export type { Decider } from './decider.ts'
export { EventStoreError, InvalidStreamRequestError, WrongExpectedVersionError } from './errors.ts'
export {
  type AggregateOptions,
  type AggregateResult,
  type AppendOptions,
  type AppendResult,
  type AppendWrite,
  EventStore,
  type EventStoreOptions,
  type PreparedAppend,
  type ReadStreamOptions,
} from './event-store.ts'
export { eventStoreDefaults, maxItemBytes } from './event-store-defaults.ts'
export type { ExpectedVersion } from './expected-version.ts'
export {
  type DecisionOptions,
  type PreparedDecision,
  prepareDecision,
} from './prepare-decision.ts'
export type { RecordedEvent } from './recorded-event.ts'
export type { SnapshotPolicy, SnapshotUse } from './snapshot.ts'
