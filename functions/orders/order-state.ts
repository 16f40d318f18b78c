import type { Fact } from '../event-store/earliest-fact.ts'
import type { OrderLine } from './order-commands.ts'

/**
 * `none`: not placed yet (other services' answers may have come first); `placed`;
 * `confirmed` (stock reserved and payment authorized); `cancelled` (by the customer, or by
 * the saga after a rejection or a decline). Derived from the facts, so every order in which
 * the same facts are recorded folds to the same status.
 */
export type OrderStatus = 'none' | 'placed' | 'confirmed' | 'cancelled'

/** Who cancelled an order. */
export type CancelledBy = 'customer' | 'saga'

/** An order as its events make it: each fact once known, and the status they add up to. */
export interface OrderState {
  readonly status: OrderStatus
  readonly orderId?: string
  readonly placed?: Fact & {
    readonly customerId: string
    readonly items: readonly OrderLine[]
    readonly total: number
  }
  readonly reservation?: Fact & {
    readonly lines: readonly { readonly sku: string; readonly quantity: number }[]
  }
  readonly rejection?: Fact & {
    readonly shortSkus: readonly {
      readonly sku: string
      readonly requested: number
      readonly available: number
    }[]
  }
  readonly payment?: Fact & { readonly paymentId: string; readonly amount: number }
  readonly decline?: Fact & { readonly reason: string }
  readonly confirmation?: Fact
  readonly cancellation?: Fact & { readonly reason: string; readonly cancelledBy: CancelledBy }
}

/** The state of an order stream with no events. */
export const initialOrderState = (): OrderState => ({ status: 'none' })

/** The status the facts add up to: a cancellation wins over a confirmation. */
export function statusOf(state: Omit<OrderState, 'status'>): OrderStatus {
  if (state.cancellation) return 'cancelled'
  if (state.confirmation) return 'confirmed'
  if (state.placed) return 'placed'
  return 'none'
}
