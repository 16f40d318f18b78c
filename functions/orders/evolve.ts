import type { OrderStreamEvent } from './order-events.ts'
import type { OrderState } from './order-state.ts'

/**
 * Folds one event into an order's state. Total over any order of events, since events
 * recorded from the bus come in the order they arrived: a cancellation wins over a payment,
 * and a payment over a placement.
 */
export function evolve(state: OrderState, event: OrderStreamEvent): OrderState {
  switch (event.eventType) {
    case 'order.placed': {
      const { orderId, customerId, items, total } = event.payload
      return {
        ...state,
        orderId,
        status: state.cancellation ? 'cancelled' : state.payment ? 'paid' : 'placed',
        placed: { customerId, items, total, placedAt: event.timestamp, eventId: event.eventId },
      }
    }
    case 'order.cancelled': {
      const { orderId, reason } = event.payload
      return {
        ...state,
        orderId,
        status: 'cancelled',
        cancellation: { reason, cancelledAt: event.timestamp, eventId: event.eventId },
      }
    }
    case 'payment.authorized': {
      const { orderId, paymentId, amount } = event.payload
      return {
        ...state,
        orderId,
        status: state.cancellation ? 'cancelled' : 'paid',
        payment: { paymentId, amount, authorizedAt: event.timestamp, eventId: event.eventId },
      }
    }
    default: {
      const _: never = event
      return state
    }
  }
}
