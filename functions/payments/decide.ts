import {
  cents,
  type EventDefinition,
  type PayloadOf,
  PaymentAuthorizedV1,
  PaymentDeclinedV1,
  PaymentVoidedV1,
} from '../catalogue/index.ts'
import { decidedEvent } from '../event-store/decided-event.ts'
import { InvalidPaymentCommandError } from './errors.ts'
import type { AuthorizePayment, PaymentCommand, VoidPayment } from './payment-commands.ts'
import type { PaymentStreamEvent } from './payment-events.ts'
import type { PaymentState } from './payment-state.ts'

/** What a payment command decides for one order's payment. Pure. */
export function decide(command: PaymentCommand, state: PaymentState): PaymentStreamEvent[] {
  if (state.orderId !== undefined && state.orderId !== command.data.orderId) {
    throw invalid(command, [`the state is order ${state.orderId}'s`])
  }
  switch (command.type) {
    case 'AuthorizePayment':
      return authorizePayment(command, state)
    case 'VoidPayment':
      return voidPayment(command, state)
    default: {
      const _: never = command
      throw invalid(command, ['not a payment command (AuthorizePayment, VoidPayment)'])
    }
  }
}

/**
 * Authorizes the order's total, or records the provider's decline. Nothing when the order
 * was answered already (a redelivery) or cancelled first. The amount must be the total of
 * the order as placed, which the stream must hold.
 */
function authorizePayment(command: AuthorizePayment, state: PaymentState): PaymentStreamEvent[] {
  if (state.authorization || state.decline || state.cancellation) return []
  const { orderId, paymentId, amount, provider } = command.data
  if (!state.order) {
    throw invalid(command, ['the order is not placed: its total is not known'])
  }
  if (cents(amount) !== cents(state.order.total)) {
    throw invalid(command, [`amount ${amount} is not the order's total ${state.order.total}`])
  }
  const { customerId } = state.order
  if (!provider.approved) {
    return [
      emit(command, PaymentDeclinedV1, { orderId, customerId, amount, reason: provider.reason }),
    ]
  }
  return [emit(command, PaymentAuthorizedV1, { orderId, paymentId, customerId, amount })]
}

/** Voids the authorization, once; nothing when nothing was authorized. */
function voidPayment(command: VoidPayment, state: PaymentState): PaymentStreamEvent[] {
  if (!state.authorization || state.voiding) return []
  const { paymentId, amount } = state.authorization
  const { orderId, reason } = command.data
  return [emit(command, PaymentVoidedV1, { orderId, paymentId, amount, reason })]
}

function invalid(command: PaymentCommand, problems: readonly string[], cause?: Error) {
  return new InvalidPaymentCommandError(
    `${command.type} for order ${command.data.orderId}`,
    problems,
    cause ? { cause } : undefined,
  )
}

function emit<TDefinition extends EventDefinition>(
  command: PaymentCommand,
  definition: TDefinition,
  payload: PayloadOf<TDefinition>,
): PaymentStreamEvent {
  return decidedEvent(definition, payload, command.metadata, 'payments', (issues, cause) =>
    invalid(command, issues, cause),
  ) as PaymentStreamEvent
}
