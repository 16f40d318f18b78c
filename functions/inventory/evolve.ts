import { remember } from '../event-store/earliest-fact.ts'
import type { InventoryStreamEvent } from './inventory-events.ts'
import { type ReservationState, reservationStatusOf } from './reservation-state.ts'

/** Folds one event into a reservation's state; the same events in any order fold alike. */
export function evolve(state: ReservationState, event: InventoryStreamEvent): ReservationState {
  const fact = { at: event.timestamp, eventId: event.eventId }
  let next: ReservationState
  switch (event.eventType) {
    case 'order.placed':
      // The order's lines are the command's data; the event is kept for idempotency.
      next = state
      break
    case 'order.cancelled':
      next = remember(state, 'cancellation', { ...fact, reason: event.payload.reason })
      break
    case 'inventory.reserved':
      next = remember(state, 'reservation', { ...fact, lines: event.payload.lines })
      break
    case 'inventory.rejected':
      next = remember(state, 'rejection', { ...fact, shortSkus: event.payload.shortSkus })
      break
    case 'inventory.released':
      next = remember(state, 'release', { ...fact, lines: event.payload.lines })
      break
    default: {
      const _: never = event
      return state
    }
  }
  return { ...next, orderId: event.payload.orderId, status: reservationStatusOf(next) }
}
