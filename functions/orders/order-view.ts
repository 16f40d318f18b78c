import type { OrderLine } from './order-commands.ts'
import type { OrderState, OrderStatus } from './order-state.ts'

/**
 * A row of the order read model (the orders table, key `orderId`; `customerId` + `placedAt`
 * feed the `byCustomer` index). Every attribute comes from the order's events, none from the
 * time it was projected, so projecting live and rebuilding by replay give the same row.
 */
export interface OrderView {
  readonly orderId: string
  readonly status: OrderStatus
  /** The stream version the row has folded in up to: the projection's checkpoint. */
  readonly version: number
  readonly lastEventId: string
  /** The timestamp of the last event folded in. */
  readonly updatedAt: string
  readonly customerId?: string
  readonly placedAt?: string
  readonly items?: readonly OrderLine[]
  readonly itemCount?: number
  readonly total?: number
  readonly placedEventId?: string
  readonly paymentId?: string
  readonly paidAmount?: number
  readonly paidAt?: string
  readonly paymentEventId?: string
  readonly cancelledAt?: string
  readonly cancelReason?: string
  readonly cancelledEventId?: string
}

/** Where a row is in its stream: the last event folded in. */
export interface ViewPosition {
  readonly version: number
  readonly eventId: string
  readonly timestamp: string
}

/** The row of an order's state at a position. */
export function toOrderView(state: OrderState, position: ViewPosition): OrderView {
  const { placed, payment, cancellation } = state
  return {
    orderId: state.orderId ?? '',
    status: state.status,
    version: position.version,
    lastEventId: position.eventId,
    updatedAt: position.timestamp,
    ...(placed && {
      customerId: placed.customerId,
      placedAt: placed.placedAt,
      items: placed.items,
      itemCount: placed.items.reduce((sum, line) => sum + line.quantity, 0),
      total: placed.total,
      placedEventId: placed.eventId,
    }),
    ...(payment && {
      paymentId: payment.paymentId,
      paidAmount: payment.amount,
      paidAt: payment.authorizedAt,
      paymentEventId: payment.eventId,
    }),
    ...(cancellation && {
      cancelledAt: cancellation.cancelledAt,
      cancelReason: cancellation.reason,
      cancelledEventId: cancellation.eventId,
    }),
  }
}

/** The order's state a row holds: the inverse of {@link toOrderView}. */
export function orderStateOf(view: OrderView): OrderState {
  return {
    status: view.status,
    orderId: view.orderId,
    ...(view.placedEventId !== undefined && {
      placed: {
        customerId: view.customerId ?? '',
        items: view.items ?? [],
        total: view.total ?? 0,
        placedAt: view.placedAt ?? '',
        eventId: view.placedEventId,
      },
    }),
    ...(view.paymentEventId !== undefined && {
      payment: {
        paymentId: view.paymentId ?? '',
        amount: view.paidAmount ?? 0,
        authorizedAt: view.paidAt ?? '',
        eventId: view.paymentEventId,
      },
    }),
    ...(view.cancelledEventId !== undefined && {
      cancellation: {
        reason: view.cancelReason ?? '',
        cancelledAt: view.cancelledAt ?? '',
        eventId: view.cancelledEventId,
      },
    }),
  }
}
