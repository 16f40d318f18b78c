import {
  type EventDefinition,
  InventoryRejectedV1,
  InventoryReleasedV1,
  InventoryReservedV1,
  type PayloadOf,
} from '../catalogue/index.ts'
import { decidedEvent } from '../event-store/decided-event.ts'
import { InvalidStockCommandError } from './errors.ts'
import type { InventoryStreamEvent } from './inventory-events.ts'
import type { ReservationState, StockLine } from './reservation-state.ts'
import type { ReleaseStock, ReserveStock, StockCommand } from './stock-commands.ts'

/** What a stock command decides for one order's reservation. Pure. */
export function decide(command: StockCommand, state: ReservationState): InventoryStreamEvent[] {
  if (state.orderId !== undefined && state.orderId !== command.data.orderId) {
    throw new InvalidStockCommandError(`${command.type} for order ${command.data.orderId}`, [
      `the state is order ${state.orderId}'s`,
    ])
  }
  switch (command.type) {
    case 'ReserveStock':
      return reserveStock(command, state)
    case 'ReleaseStock':
      return releaseStock(command, state)
    default: {
      const _: never = command
      throw new InvalidStockCommandError(String((command as { type?: unknown }).type), [
        'not a stock command (ReserveStock, ReleaseStock)',
      ])
    }
  }
}

/**
 * All lines or none. Nothing when the order was answered already (a redelivery) or was
 * cancelled first: a cancellation that overtook its order leaves nothing to reserve.
 */
function reserveStock(command: ReserveStock, state: ReservationState): InventoryStreamEvent[] {
  if (state.reservation || state.rejection || state.cancellation) return []
  const { orderId, available } = command.data
  const lines = bySku(command.data.lines)
  const shortSkus = lines
    .map((line) => ({
      sku: line.sku,
      requested: line.quantity,
      available: available[line.sku] ?? 0,
    }))
    .filter((line) => line.available < line.requested)
  if (shortSkus.length > 0) return [emit(command, InventoryRejectedV1, { orderId, shortSkus })]
  return [emit(command, InventoryReservedV1, { orderId, lines })]
}

/** Gives back what was reserved, once; nothing when nothing was (or is any longer) held. */
function releaseStock(command: ReleaseStock, state: ReservationState): InventoryStreamEvent[] {
  if (!state.reservation || state.release) return []
  const { orderId, reason } = command.data
  return [
    emit(command, InventoryReleasedV1, { orderId, lines: [...state.reservation.lines], reason }),
  ]
}

/** Lines with repeated SKUs summed, in first-seen order. */
function bySku(lines: readonly StockLine[]): StockLine[] {
  const quantities = new Map<string, number>()
  for (const line of lines)
    quantities.set(line.sku, (quantities.get(line.sku) ?? 0) + line.quantity)
  return [...quantities].map(([sku, quantity]) => ({ sku, quantity }))
}

function emit<TDefinition extends EventDefinition>(
  command: StockCommand,
  definition: TDefinition,
  payload: PayloadOf<TDefinition>,
): InventoryStreamEvent {
  return decidedEvent(
    definition,
    payload,
    command.metadata,
    'inventory',
    (issues, cause) =>
      new InvalidStockCommandError(`${command.type} for order ${command.data.orderId}`, issues, {
        cause,
      }),
  ) as InventoryStreamEvent
}
