import { remember } from '../event-store/earliest-fact.ts'
import type { OrderStreamEvent } from './order-events.ts'
import { type OrderState, statusOf } from './order-state.ts'

/**
 * Folds one event into an order's state. Total and order-independent: the bus does not
 * promise order, so each fact is kept once, and when two events state the same fact (a
 * customer's cancellation and the saga's) the earlier one (by time, then eventId) is kept,
 * whatever order they were recorded in.
 */
export function evolve(state: OrderState, event: OrderStreamEvent): OrderState {
  const fact = { at: event.timestamp, eventId: event.eventId }
  let next: OrderState
  switch (event.eventType) {
    case 'order.placed': {
      const { customerId, items, total } = event.payload
      next = remember(state, 'placed', { ...fact, customerId, items, total })
      break
    }
    case 'inventory.reserved':
      next = remember(state, 'reservation', { ...fact, lines: event.payload.lines })
      break
    case 'inventory.rejected':
      next = remember(state, 'rejection', { ...fact, shortSkus: event.payload.shortSkus })
      break
    case 'payment.authorized': {
      const { paymentId, amount } = event.payload
      next = remember(state, 'payment', { ...fact, paymentId, amount })
      break
    }
    case 'payment.declined':
      next = remember(state, 'decline', { ...fact, reason: event.payload.reason })
      break
    case 'order.confirmed':
      next = remember(state, 'confirmation', fact)
      break
    case 'order.cancelled': {
      const { reason, cancelledBy } = event.payload
      next = remember(state, 'cancellation', { ...fact, reason, cancelledBy })
      break
    }
    default: {
      const _: never = event
      return state
    }
  }
  return { ...next, orderId: event.payload.orderId, status: statusOf(next) }
}
