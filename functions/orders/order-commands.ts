/**
 * What a command carries besides its data: the time and the id of the event it leads to come
 * in as data, so `decide` stays pure and a retried command decides the same event.
 */
export interface CommandMetadata {
  readonly now: Date
  /** The id of the event the command emits. */
  readonly eventId: string
  /** @default 'orders' */
  readonly source?: string
  /** @default - the new event's own id */
  readonly correlationId?: string
  readonly causationId?: string
}

export interface OrderLine {
  readonly sku: string
  readonly quantity: number
  /** In the currency's major unit, at most two decimals. */
  readonly unitPrice: number
}

export interface PlaceOrder {
  readonly type: 'PlaceOrder'
  readonly data: {
    readonly orderId: string
    readonly customerId: string
    readonly items: readonly OrderLine[]
  }
  readonly metadata: CommandMetadata
}

export interface CancelOrder {
  readonly type: 'CancelOrder'
  readonly data: { readonly orderId: string; readonly reason: string }
  readonly metadata: CommandMetadata
}

export interface RecordPayment {
  readonly type: 'RecordPayment'
  readonly data: { readonly orderId: string; readonly paymentId: string; readonly amount: number }
  readonly metadata: CommandMetadata
}

export type OrderCommand = PlaceOrder | CancelOrder | RecordPayment
