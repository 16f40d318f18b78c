import type { Decider } from '../event-store/index.ts'
import { decide } from './decide.ts'
import { evolve } from './evolve.ts'
import type { PaymentCommand } from './payment-commands.ts'
import type { PaymentStreamEvent } from './payment-events.ts'
import { initialPaymentState, type PaymentState } from './payment-state.ts'

/** Payments' handling of one order's payment as a decider. */
export const paymentDecider: Decider<PaymentCommand, PaymentStreamEvent, PaymentState> = {
  decide,
  evolve,
  initialState: initialPaymentState,
}
