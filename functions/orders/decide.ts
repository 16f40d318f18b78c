import {
  cents,
  type EventDefinition,
  OrderCancelledV2,
  OrderConfirmedV1,
  OrderPlacedV1,
  type PayloadOf,
} from '../catalogue/index.ts'
import { decidedEvent } from '../event-store/decided-event.ts'
import { IllegalOrderStateError, InvalidOrderCommandError } from './errors.ts'
import type { CancelOrder, OrderCommand, PlaceOrder, SettleOrder } from './order-commands.ts'
import type { OrderStreamEvent } from './order-events.ts'
import type { OrderState, OrderStatus } from './order-state.ts'

/**
 * What a command decides, given the order's state: the events it emits, or an error naming
 * why not. Pure: time and ids come in the command's metadata.
 */
export function decide(command: OrderCommand, state: OrderState): OrderStreamEvent[] {
  requireSameOrder(command, state)
  switch (command.type) {
    case 'PlaceOrder':
      return [placeOrder(command, state)]
    case 'CancelOrder':
      return [cancelOrder(command, state)]
    case 'SettleOrder':
      return settleOrder(command, state)
    default: {
      const _: never = command
      throw new InvalidOrderCommandError(String((command as { type?: unknown }).type), [
        'not an order command (PlaceOrder, CancelOrder, SettleOrder)',
      ])
    }
  }
}

function placeOrder(command: PlaceOrder, state: OrderState): OrderStreamEvent {
  const { orderId, customerId, items } = command.data
  requireStatus(command, state, ['none'])
  const total = items.reduce((sum, line) => sum + line.quantity * cents(line.unitPrice), 0) / 100
  return emit(command, OrderPlacedV1, { orderId, customerId, items: [...items], total })
}

function cancelOrder(command: CancelOrder, state: OrderState): OrderStreamEvent {
  const { orderId, reason } = command.data
  requireStatus(command, state, ['placed', 'confirmed'])
  return emit(command, OrderCancelledV2, { orderId, reason, cancelledBy: 'customer' })
}

/**
 * Confirmed only with both a reservation and an authorization of the order's total;
 * cancelled by the saga on a rejection or a decline; nothing once either was decided, or
 * while an answer is missing. Idempotent: settling a settled order decides nothing.
 */
function settleOrder(command: SettleOrder, state: OrderState): OrderStreamEvent[] {
  const { orderId } = command.data
  if (state.cancellation || state.confirmation) return []
  const cancel = (reason: string) => [
    emit(command, OrderCancelledV2, { orderId, reason, cancelledBy: 'saga' }),
  ]
  if (state.rejection) {
    const short = state.rejection.shortSkus.map(
      (s) => `${s.sku} (${s.requested} requested, ${s.available} available)`,
    )
    return cancel(`out of stock: ${short.join(', ')}`)
  }
  if (state.decline) return cancel(`payment declined: ${state.decline.reason}`)
  const { placed, reservation, payment } = state
  if (!placed || !reservation || !payment) return []
  if (cents(payment.amount) !== cents(placed.total)) {
    return cancel(`payment authorized ${payment.amount}, but the order's total is ${placed.total}`)
  }
  return [
    emit(command, OrderConfirmedV1, {
      orderId,
      customerId: placed.customerId,
      total: placed.total,
      paymentId: payment.paymentId,
    }),
  ]
}

function requireSameOrder(command: OrderCommand, state: OrderState): void {
  const { orderId } = command.data
  if (state.orderId !== undefined && state.orderId !== orderId) {
    throw new InvalidOrderCommandError(`${command.type} for order ${orderId}`, [
      `the state is order ${state.orderId}'s`,
    ])
  }
}

function requireStatus(
  command: OrderCommand,
  state: OrderState,
  allowed: readonly OrderStatus[],
): void {
  if (!allowed.includes(state.status)) {
    throw new IllegalOrderStateError(command.data.orderId, command.type, state.status, allowed)
  }
}

/** The command's event, built and validated against the catalogue. */
function emit<TDefinition extends EventDefinition>(
  command: OrderCommand,
  definition: TDefinition,
  payload: PayloadOf<TDefinition>,
): OrderStreamEvent {
  return decidedEvent(
    definition,
    payload,
    command.metadata,
    'orders',
    (issues, cause) =>
      new InvalidOrderCommandError(`${command.type} for order ${command.data.orderId}`, issues, {
        cause,
      }),
  ) as OrderStreamEvent
}
