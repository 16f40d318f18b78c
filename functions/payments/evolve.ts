import { remember } from '../event-store/earliest-fact.ts'
import type { PaymentStreamEvent } from './payment-events.ts'
import { type PaymentState, paymentStatusOf } from './payment-state.ts'

/** Folds one event into a payment's state; the same events in any order fold alike. */
export function evolve(state: PaymentState, event: PaymentStreamEvent): PaymentState {
  const fact = { at: event.timestamp, eventId: event.eventId }
  let next: PaymentState
  switch (event.eventType) {
    case 'order.placed': {
      const { customerId, total } = event.payload
      next = remember(state, 'order', { ...fact, customerId, total })
      break
    }
    case 'order.cancelled':
      next = remember(state, 'cancellation', { ...fact, reason: event.payload.reason })
      break
    case 'payment.authorized':
    case 'payment.voided': {
      const { paymentId, amount } = event.payload
      const key = event.eventType === 'payment.authorized' ? 'authorization' : 'voiding'
      next = remember(state, key, { ...fact, paymentId, amount })
      break
    }
    case 'payment.declined':
      next = remember(state, 'decline', { ...fact, reason: event.payload.reason })
      break
    default: {
      const _: never = event
      return state
    }
  }
  return { ...next, orderId: event.payload.orderId, status: paymentStatusOf(next) }
}
