import { z } from 'zod'
import { createEvent, defineEvent, type EventOf } from '../../functions/catalogue/index.ts'
import type { Decider } from '../../functions/event-store/index.ts'

/**
 * A test-only event-sourced aggregate for the event store's generic mechanisms (decisions,
 * snapshots, upcasting), so their tests do not depend on the demo domain's events.
 */
export const TallyAddedV1 = defineEvent({
  type: 'tally.added',
  version: 1,
  payload: z.object({ amount: z.int().positive() }),
})

export const tallyDefinitions = [TallyAddedV1]

export type TallyEvent = EventOf<typeof TallyAddedV1>

export interface TallyState {
  readonly total: number
  /** The eventIds folded in, in order: the fold is order-sensitive, so a wrong start shows. */
  readonly eventIds: readonly string[]
}

/** Add `amount`; the command's `eventId` makes a repeat a no-op. Time comes in as data. */
export interface AddToTally {
  readonly amount: number
  readonly eventId: string
  readonly now: Date
}

export const tallyDecider: Decider<AddToTally, TallyEvent, TallyState> = {
  initialState: () => ({ total: 0, eventIds: [] }),
  evolve: (state, event) => ({
    total: state.total + event.payload.amount,
    eventIds: [...state.eventIds, event.eventId],
  }),
  decide: (command, state) => {
    if (state.eventIds.includes(command.eventId)) return []
    if (command.amount > 1000) throw new RangeError(`amount ${command.amount} is over 1000`)
    return [tallyAdded(command.amount, command.eventId, command.now)]
  },
}

export function tallyAdded(
  amount: number,
  eventId: string,
  now = new Date('2026-05-01T10:00:00Z'),
) {
  return createEvent(TallyAddedV1, { amount }, { source: 'test', eventId, timestamp: now })
}

/** A request from the bus to add to a tally: what a consumer turns into an AddToTally. */
export const TallyRequestedV1 = defineEvent({
  type: 'tally.requested',
  version: 1,
  payload: z.object({ tallyId: z.string().min(1), amount: z.int() }),
})

export function tallyRequested(tallyId: string, amount: number, eventId: string) {
  return createEvent(
    TallyRequestedV1,
    { tallyId, amount },
    { source: 'test', eventId, timestamp: new Date('2026-05-01T10:00:00Z') },
  )
}
