import type { CommandMetadata } from '../event-store/decided-event.ts'
import type { StockLine } from './reservation-state.ts'

/**
 * Reserve an order's lines, all or none, given the units available of each SKU now (read
 * by the caller; its writes take them on the condition that they are still there).
 */
export interface ReserveStock {
  readonly type: 'ReserveStock'
  readonly data: {
    readonly orderId: string
    readonly lines: readonly StockLine[]
    /** Units available per SKU; a SKU missing here has none. */
    readonly available: Readonly<Record<string, number>>
  }
  readonly metadata: CommandMetadata
}

/** Give a cancelled order's reserved stock back. */
export interface ReleaseStock {
  readonly type: 'ReleaseStock'
  readonly data: { readonly orderId: string; readonly reason: string }
  readonly metadata: CommandMetadata
}

export type StockCommand = ReserveStock | ReleaseStock
