/**
 * The event store's tables: the EventStore construct (lib/) creates them and filters the
 * outbox stream on {@link STORED_EVENT_ORIGIN}; the event store client, the outbox publisher
 * and the projections (functions/) and `pipeline trace` (cli/) read and write their items.
 */

/**
 * The key schemas:
 * - events: partition `pk` (S) = stream id, sort `sk` (N) = the event's version in its
 *   stream; appends are conditional puts. No local secondary index, so item collections
 *   are not capped at 10 GB.
 * - snapshots: partition `pk` (S) = stream id, sort `sk` (N) = the version it folds up to.
 */
export const EVENT_STORE_SCHEMA = {
  events: { partitionKey: 'pk', sortKey: 'sk' },
  snapshots: { partitionKey: 'pk', sortKey: 'sk' },
} as const

/** The attribute of a stored event that says where it came from (S, a {@link StoredOrigin}). */
export const ORIGIN_ATTRIBUTE = 'origin'

/**
 * Where a stored event came from, and so whether the outbox publishes it:
 * - `decided`: this system decided it (a consumer or command handler appended a new fact);
 *   the outbox puts it on the bus.
 * - `recorded`: it came from the bus and was recorded into a stream (the order ledger); it is
 *   on the bus already, so the outbox never publishes it again (no loop).
 * Items without the attribute are not published either: the outbox stream mapping passes
 * only `decided` ones.
 */
export const STORED_EVENT_ORIGIN = {
  decided: 'decided',
  recorded: 'recorded',
} as const

/** One of {@link STORED_EVENT_ORIGIN}'s values. */
export type StoredOrigin = (typeof STORED_EVENT_ORIGIN)[keyof typeof STORED_EVENT_ORIGIN]

/** The origin whose events the outbox publishes. */
export const PUBLISHED_ORIGIN: StoredOrigin = STORED_EVENT_ORIGIN.decided
