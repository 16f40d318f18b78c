import type { Fact } from '../event-store/earliest-fact.ts'

/** `none`: nothing decided; `authorized`; `declined`; `voided` (after a cancellation). */
export type PaymentStatus = 'none' | 'authorized' | 'declined' | 'voided'

/** One order's payment as its stream makes it. */
export interface PaymentState {
  readonly status: PaymentStatus
  readonly orderId?: string
  /** The order as placed: who pays, and how much. */
  readonly order?: Fact & { readonly customerId: string; readonly total: number }
  readonly cancellation?: Fact & { readonly reason: string }
  readonly authorization?: Fact & { readonly paymentId: string; readonly amount: number }
  readonly decline?: Fact & { readonly reason: string }
  readonly voiding?: Fact & { readonly paymentId: string; readonly amount: number }
}

export const initialPaymentState = (): PaymentState => ({ status: 'none' })

export function paymentStatusOf(state: Omit<PaymentState, 'status'>): PaymentStatus {
  if (state.voiding) return 'voided'
  if (state.authorization) return 'authorized'
  if (state.decline) return 'declined'
  return 'none'
}
