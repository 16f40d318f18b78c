import type { CommandMetadata } from '../event-store/decided-event.ts'

export type { CommandMetadata }

export interface OrderLine {
  readonly sku: string
  readonly quantity: number
  /** In the currency's major unit, at most two decimals. */
  readonly unitPrice: number
}

/** A customer places an order (the shop front). */
export interface PlaceOrder {
  readonly type: 'PlaceOrder'
  readonly data: {
    readonly orderId: string
    readonly customerId: string
    readonly items: readonly OrderLine[]
  }
  readonly metadata: CommandMetadata
}

/** A customer cancels their order, before or after it was confirmed. */
export interface CancelOrder {
  readonly type: 'CancelOrder'
  readonly data: { readonly orderId: string; readonly reason: string }
  readonly metadata: CommandMetadata
}

/**
 * The saga's step, after each fact the order learns: confirm it once stock is reserved and
 * the payment authorized, cancel it once either is refused, else wait.
 */
export interface SettleOrder {
  readonly type: 'SettleOrder'
  readonly data: { readonly orderId: string }
  readonly metadata: CommandMetadata
}

export type OrderCommand = PlaceOrder | CancelOrder | SettleOrder
