export type { StoredOrigin } from '../outbox-publisher/stored-event.ts'
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
export { eventStoreDefaults, maxTransactItems } from './event-store-defaults.ts'
export type { ExpectedVersion } from './expected-version.ts'
export type { RecordedEvent } from './recorded-event.ts'
