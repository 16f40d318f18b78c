import {
  createEvent,
  type EventDefinition,
  EventValidationError,
  OrderCancelledV1,
  OrderPlacedV1,
  type PayloadOf,
  PaymentAuthorizedV1,
} from '../catalogue/index.ts'
import { IllegalOrderStateError, InvalidOrderCommandError } from './errors.ts'
import type {
  CancelOrder,
  CommandMetadata,
  OrderCommand,
  PlaceOrder,
  RecordPayment,
} from './order-commands.ts'
import type { OrderStreamEvent } from './order-events.ts'
import type { OrderState, OrderStatus } from './order-state.ts'

const cents = (amount: number) => Math.round(amount * 100)

/**
 * What a command decides, given the order's state: the events it emits, or an error naming
 * why not. Pure: time and ids come in the command's metadata.
 */
export function decide(command: OrderCommand, state: OrderState): OrderStreamEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return [placeOrder(command, state)]
    case 'CancelOrder':
      return [cancelOrder(command, state)]
    case 'RecordPayment':
      return [recordPayment(command, state)]
    default: {
      const _: never = command
      throw new InvalidOrderCommandError(String((command as { type?: unknown }).type), [
        'not an order command (PlaceOrder, CancelOrder, RecordPayment)',
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
  requireStatus(command, state, ['placed', 'paid'])
  return emit(command, OrderCancelledV1, { orderId, reason })
}

function recordPayment(command: RecordPayment, state: OrderState): OrderStreamEvent {
  const { orderId, paymentId, amount } = command.data
  const placed = requireStatus(command, state, ['placed']).placed
  if (!placed) throw new IllegalOrderStateError(orderId, command.type, state.status, ['placed'])
  if (cents(amount) !== cents(placed.total)) {
    throw new InvalidOrderCommandError(`${command.type} for order ${orderId}`, [
      `amount ${amount} is not the order's total ${placed.total}`,
    ])
  }
  return emit(command, PaymentAuthorizedV1, {
    orderId,
    paymentId,
    customerId: placed.customerId,
    amount,
  })
}

function requireStatus(
  command: OrderCommand,
  state: OrderState,
  allowed: readonly OrderStatus[],
): OrderState {
  const { orderId } = command.data
  if (state.orderId !== undefined && state.orderId !== orderId) {
    throw new InvalidOrderCommandError(`${command.type} for order ${orderId}`, [
      `the state is order ${state.orderId}'s`,
    ])
  }
  if (!allowed.includes(state.status)) {
    throw new IllegalOrderStateError(orderId, command.type, state.status, allowed)
  }
  return state
}

/** The command's event, built and validated against the catalogue. */
function emit<TDefinition extends EventDefinition>(
  command: OrderCommand,
  definition: TDefinition,
  payload: PayloadOf<TDefinition>,
): OrderStreamEvent {
  const metadata: CommandMetadata = command.metadata
  try {
    return createEvent(definition, payload, {
      source: metadata.source ?? 'orders',
      eventId: metadata.eventId,
      timestamp: metadata.now,
      ...(metadata.correlationId === undefined ? {} : { correlationId: metadata.correlationId }),
      ...(metadata.causationId === undefined ? {} : { causationId: metadata.causationId }),
    }) as OrderStreamEvent
  } catch (error) {
    if (error instanceof EventValidationError) {
      throw new InvalidOrderCommandError(
        `${command.type} for order ${command.data.orderId}`,
        error.issues,
        {
          cause: error,
        },
      )
    }
    throw error
  }
}
