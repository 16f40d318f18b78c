import { z } from 'zod'
import { createEvent, defineEvent, type EventOf } from '../../functions/catalogue/index.ts'
import { TallyAddedV1 } from './tally.ts'

/**
 * Test-only later versions of `tally.added`, a chain v1 → v2 → v3 for the upcasting tests:
 * v2 adds a unit (v1 counted single items), v3 renames `amount` to `quantity` and counts
 * in items (a dozen is 12).
 */
export const TallyAddedV2 = defineEvent({
  type: 'tally.added',
  version: 2,
  payload: z.object({ amount: z.int().positive(), unit: z.enum(['item', 'dozen']) }),
  upcastFrom: { from: TallyAddedV1, upcast: (v1) => ({ ...v1.payload, unit: 'item' as const }) },
})

export const TallyAddedV3 = defineEvent({
  type: 'tally.added',
  version: 3,
  payload: z.object({ quantity: z.int().positive() }),
  upcastFrom: {
    from: TallyAddedV2,
    upcast: ({ payload }) => ({
      quantity: payload.amount * (payload.unit === 'dozen' ? 12 : 1),
    }),
  },
})

/** Every version of `tally.added`, as a catalogue holds them. */
export const tallyVersions = [TallyAddedV1, TallyAddedV2, TallyAddedV3]

export type TallyAddedLatest = EventOf<typeof TallyAddedV3>

export const at = (minute: number) => new Date(Date.UTC(2026, 4, 1, 10, minute))

export const addedV1 = (amount: number, eventId: string, minute = 0) =>
  createEvent(TallyAddedV1, { amount }, { source: 'old', eventId, timestamp: at(minute) })
export const addedV2 = (amount: number, unit: 'item' | 'dozen', eventId: string, minute = 0) =>
  createEvent(TallyAddedV2, { amount, unit }, { source: 'v2', eventId, timestamp: at(minute) })
export const addedV3 = (quantity: number, eventId: string, minute = 0) =>
  createEvent(TallyAddedV3, { quantity }, { source: 'new', eventId, timestamp: at(minute) })

/** Folds the newest version only: it fails loudly on an event that was not upcast. */
export const quantityFold = {
  initialState: () => 0,
  evolve: (total: number, event: { version: number; payload: unknown }) => {
    if (event.version !== 3) throw new Error(`evolve saw a v${event.version} event`)
    return total + (event.payload as TallyAddedLatest['payload']).quantity
  },
}
