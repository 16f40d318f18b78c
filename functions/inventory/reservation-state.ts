import type { Fact } from '../event-store/earliest-fact.ts'

/** A SKU and a number of its units. */
export interface StockLine {
  readonly sku: string
  readonly quantity: number
}

/**
 * `none`: nothing decided yet; `reserved`; `rejected` (nothing was taken); `released` (the
 * reservation was given back after a cancellation).
 */
export type ReservationStatus = 'none' | 'reserved' | 'rejected' | 'released'

/** One order's reservation as its stream makes it. */
export interface ReservationState {
  readonly status: ReservationStatus
  readonly orderId?: string
  /** The order was cancelled (the customer, or the saga). */
  readonly cancellation?: Fact & { readonly reason: string }
  readonly reservation?: Fact & { readonly lines: readonly StockLine[] }
  readonly rejection?: Fact & {
    readonly shortSkus: readonly {
      readonly sku: string
      readonly requested: number
      readonly available: number
    }[]
  }
  readonly release?: Fact & { readonly lines: readonly StockLine[] }
}

export const initialReservationState = (): ReservationState => ({ status: 'none' })

export function reservationStatusOf(state: Omit<ReservationState, 'status'>): ReservationStatus {
  if (state.release) return 'released'
  if (state.reservation) return 'reserved'
  if (state.rejection) return 'rejected'
  return 'none'
}
