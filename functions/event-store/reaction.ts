import { createHash } from 'node:crypto'
import type { EventEnvelope } from '../catalogue/envelope.ts'
import type { Decider } from './decider.ts'

/** What a service does about one event it consumed, given its stream's events so far. */
export interface Reaction<TEvent, TState> {
  /** The trigger is in the stream already: recorded by an earlier delivery; nothing to do. */
  readonly duplicate: boolean
  /** The events to append: the trigger (recorded from the bus), then the decided ones. */
  readonly recorded: readonly TEvent[]
  readonly decided: readonly TEvent[]
  /** The state after them. */
  readonly state: TState
}

/**
 * A choreographed step, pure: the consumed event (another service's fact) is recorded in
 * the service's own stream and folded in, then the command it leads to is decided on that
 * state. Recording the trigger is what makes the step idempotent and order-independent: a
 * redelivery finds it recorded and decides nothing, and a fact that came early (a
 * cancellation before its order) is in the state when the late one arrives.
 */
export function react<TCommand, TEvent extends EventEnvelope, TState>(
  decider: Decider<TCommand, TEvent, TState>,
  history: readonly TEvent[],
  trigger: TEvent,
  command: TCommand,
): Reaction<TEvent, TState> {
  const before = history.reduce(decider.evolve, decider.initialState())
  if (history.some((event) => event.eventId === trigger.eventId)) {
    return { duplicate: true, recorded: [], decided: [], state: before }
  }
  const withTrigger = decider.evolve(before, trigger)
  const decided = decider.decide(command, withTrigger)
  return {
    duplicate: false,
    recorded: [trigger],
    decided,
    state: decided.reduce(decider.evolve, withTrigger),
  }
}

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
