import type { CommandMetadata } from '../event-store/decided-event.ts'

/** What the card provider answered (the caller asks it; the decider stays pure). */
export type ProviderAnswer =
  | { readonly approved: true }
  | { readonly approved: false; readonly reason: string }

/** Authorize an order's payment of `amount`, which must be the order's total. */
export interface AuthorizePayment {
  readonly type: 'AuthorizePayment'
  readonly data: {
    readonly orderId: string
    readonly paymentId: string
    readonly amount: number
    readonly provider: ProviderAnswer
  }
  readonly metadata: CommandMetadata
}

/** Void a cancelled order's authorization, so nothing is charged. */
export interface VoidPayment {
  readonly type: 'VoidPayment'
  readonly data: { readonly orderId: string; readonly reason: string }
  readonly metadata: CommandMetadata
}

export type PaymentCommand = AuthorizePayment | VoidPayment
