import { createHash } from 'node:crypto'
import type { StoredOrigin } from '../../contracts/event-store-tables.ts'
import type { EventEnvelope } from '../catalogue/envelope.ts'
import type { Decider } from './decider.ts'
import type { AppendWrite, EventStore } from './event-store.ts'
import { prepareDecision } from './prepare-decision.ts'

/** A consumed event (another service's fact) and the command it leads to. */
export interface Reaction<TCommand, TEvent> {
  readonly trigger: TEvent
  readonly command: TCommand
}

/**
 * A service's state with the ids of the events its stream holds, so a step knows the events
 * it has recorded, also when the state comes from a snapshot. Per-order streams hold a
 * handful of events; a long-lived stream would keep a bounded window instead.
 */
export interface Reacting<TState> {
  readonly state: TState
  readonly seen: readonly string[]
}

/**
 * A decider for a choreographed step: the consumed event is recorded in the service's own
 * stream and folded in, then the command it leads to is decided on that state; both are
 * appended together (the trigger `recorded`, the decisions `decided`: see
 * {@link reactionOrigin}). Recording the trigger is what makes the step idempotent and
 * order-independent: a redelivery finds it seen and decides nothing, and a fact that came
 * early (a cancellation before its order) is in the state when the late one arrives.
 */
export function reactingDecider<TCommand, TEvent extends EventEnvelope, TState>(
  decider: Decider<TCommand, TEvent, TState>,
): Decider<Reaction<TCommand, TEvent>, TEvent, Reacting<TState>> {
  return {
    initialState: () => ({ state: decider.initialState(), seen: [] }),
    evolve: (current, event) => ({
      state: decider.evolve(current.state, event),
      seen: current.seen.includes(event.eventId) ? current.seen : [...current.seen, event.eventId],
    }),
    decide: ({ trigger, command }, current) => {
      if (current.seen.includes(trigger.eventId)) return []
      return [trigger, ...decider.decide(command, decider.evolve(current.state, trigger))]
    },
  }
}

/** The origin of each event of a reaction's append: the trigger came from the bus. */
export const reactionOrigin =
  (trigger: EventEnvelope) =>
  (event: EventEnvelope): StoredOrigin =>
    event.eventId === trigger.eventId ? 'recorded' : 'decided'

/**
 * The metadata of what a service decides about a trigger: the trigger's correlation, the
 * trigger as cause, and an id derived from the trigger and the service, so a step retried
 * after a failed commit decides the very same event.
 */
export function reactionMetadata(trigger: EventEnvelope, service: string, now: Date) {
  const hash = createHash('sha256').update(`${service}\u0000${trigger.eventId}`).digest('hex')
  return {
    now,
    eventId: `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`,
    source: service,
    correlationId: trigger.correlationId,
    causationId: trigger.eventId,
  }
}

/** A reaction prepared against a service's stream: what it decided, as writes. */
export interface PreparedReaction<TEvent extends EventEnvelope, TState> {
  /** The trigger was recorded already: a redelivery; nothing to write. */
  readonly duplicate: boolean
  /** The events the service decided (the recorded trigger not included). */
  readonly decided: readonly TEvent[]
  /** The service's state after them. */
  readonly state: TState
  /** The append (trigger and decisions, expected at the version read) to commit. */
  readonly writes: AppendWrite[]
}

/**
 * {@link reactingDecider} through the event store's decider glue: reads the service's
 * stream, records the trigger and decides, and returns the append for the caller's
 * transaction (the consumer runtime commits it with the idempotency record).
 */
export async function prepareReaction<TCommand, TEvent extends EventEnvelope, TState>(
  store: EventStore,
  decider: Decider<TCommand, TEvent, TState>,
  streamId: string,
  trigger: TEvent,
  command: TCommand,
): Promise<PreparedReaction<TEvent, TState>> {
  const decision = await prepareDecision(
    store,
    reactingDecider(decider),
    streamId,
    { trigger, command },
    { origin: reactionOrigin(trigger) },
  )
  return {
    duplicate: decision.events.length === 0,
    decided: decision.events.slice(1).map((recorded) => recorded.event),
    state: decision.state.state,
    writes: decision.writes,
  }
}
