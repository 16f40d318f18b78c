import type { OrderLine } from './order-commands.ts'

/**
 * `none`: nothing happened yet; `placed`; `paid` (payment authorized); `cancelled`. A
 * cancellation wins over a payment, and a payment over a placement, whatever order the
 * events were recorded in (the bus does not promise order), so every order of the same facts
 * folds to the same state.
 */
export type OrderStatus = 'none' | 'placed' | 'paid' | 'cancelled'

/** An order as its events make it: each fact once known, and the status they add up to. */
export interface OrderState {
  readonly status: OrderStatus
  readonly orderId?: string
  readonly placed?: {
    readonly customerId: string
    readonly items: readonly OrderLine[]
    readonly total: number
    readonly placedAt: string
    readonly eventId: string
  }
  readonly payment?: {
    readonly paymentId: string
    readonly amount: number
    readonly authorizedAt: string
    readonly eventId: string
  }
  readonly cancellation?: {
    readonly reason: string
    readonly cancelledAt: string
    readonly eventId: string
  }
}

/** The state of an order stream with no events. */
export const initialOrderState = (): OrderState => ({ status: 'none' })
