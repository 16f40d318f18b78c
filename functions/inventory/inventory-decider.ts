import type { Decider } from '../event-store/index.ts'
import { decide } from './decide.ts'
import { evolve } from './evolve.ts'
import type { InventoryStreamEvent } from './inventory-events.ts'
import { initialReservationState, type ReservationState } from './reservation-state.ts'
import type { StockCommand } from './stock-commands.ts'

/** Inventory's reservation of one order as a decider. */
export const inventoryDecider: Decider<StockCommand, InventoryStreamEvent, ReservationState> = {
  decide,
  evolve,
  initialState: initialReservationState,
}
