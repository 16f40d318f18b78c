import type { OrderState } from './order-state.ts'

/** The facts of an order's state, kept whole in its row so the row can be folded further. */
const FACTS = [
  'placed',
  'reservation',
  'rejection',
  'payment',
  'decline',
  'confirmation',
  'cancellation',
] as const satisfies readonly (keyof OrderState)[]

/**
 * A row of the order read model (the orders table, key `orderId`; `customerId` + `placedAt`
 * feed the `byCustomer` index). Every attribute comes from the order's events, none from the
 * time it was projected, so projecting live and rebuilding by replay give the same row.
 */
export type OrderView = Pick<OrderState, 'status' | (typeof FACTS)[number]> & {
  readonly orderId: string
  /** The stream version the row has folded in up to: the projection's checkpoint. */
  readonly version: number
  readonly lastEventId: string
  /** The timestamp of the last event folded in. */
  readonly updatedAt: string
  // What a reader of the table wants at a glance (and the index's keys), from the facts.
  readonly customerId?: string
  readonly placedAt?: string
  readonly itemCount?: number
  readonly total?: number
  /** When the payment was authorized: the order is paid. */
  readonly paidAt?: string
  readonly paymentId?: string
  readonly confirmedAt?: string
  readonly cancelledAt?: string
  readonly cancelledBy?: string
  readonly cancelReason?: string
}

/** Where a row is in its stream: the last event folded in. */
export interface ViewPosition {
  readonly version: number
  readonly eventId: string
  readonly timestamp: string
}

/** The row of an order's state at a position. */
export function toOrderView(state: OrderState, position: ViewPosition): OrderView {
  const { placed, payment, confirmation, cancellation } = state
  const facts: Partial<Pick<OrderState, (typeof FACTS)[number]>> = {}
  for (const name of FACTS) if (state[name]) Object.assign(facts, { [name]: state[name] })
  return {
    orderId: state.orderId ?? '',
    status: state.status,
    version: position.version,
    lastEventId: position.eventId,
    updatedAt: position.timestamp,
    ...facts,
    ...(placed && {
      customerId: placed.customerId,
      placedAt: placed.at,
      itemCount: placed.items.reduce((sum, line) => sum + line.quantity, 0),
      total: placed.total,
    }),
    ...(payment && { paidAt: payment.at, paymentId: payment.paymentId }),
    ...(confirmation && { confirmedAt: confirmation.at }),
    ...(cancellation && {
      cancelledAt: cancellation.at,
      cancelledBy: cancellation.cancelledBy,
      cancelReason: cancellation.reason,
    }),
  }
}

/** The order's state a row holds: the inverse of {@link toOrderView}. */
export function orderStateOf(view: OrderView): OrderState {
  const state: Record<string, unknown> = { status: view.status, orderId: view.orderId }
  for (const name of FACTS) if (view[name]) state[name] = view[name]
  return state as unknown as OrderState
}
