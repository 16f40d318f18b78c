export { decide } from './decide.ts'
export { InvalidStockCommandError, InventoryError } from './errors.ts'
export { evolve } from './evolve.ts'
export { inventoryDecider } from './inventory-decider.ts'
export {
  type InventoryStreamEvent,
  inventoryStreamId,
  type StockRejected,
  type StockReleased,
  type StockReserved,
} from './inventory-events.ts'
export {
  initialReservationState,
  type ReservationState,
  type ReservationStatus,
  type StockLine,
} from './reservation-state.ts'
export type { ReleaseStock, ReserveStock, StockCommand } from './stock-commands.ts'
