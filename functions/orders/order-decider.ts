import type { Decider } from '../event-store/index.ts'
import { decide } from './decide.ts'
import { evolve } from './evolve.ts'
import type { OrderCommand } from './order-commands.ts'
import type { OrderStreamEvent } from './order-events.ts'
import { initialOrderState, type OrderState } from './order-state.ts'

/** The order domain as a decider: commands to events, events to state. */
export const orderDecider: Decider<OrderCommand, OrderStreamEvent, OrderState> = {
  decide,
  evolve,
  initialState: initialOrderState,
}
