import type { Store } from './dynalite-store.ts'
import type { StreamLog } from './stream-log.ts'
import type { TableSettingsStore } from './table-settings.ts'
import type { TransactionTokens } from './transaction-tokens.ts'

/** The state every action of the layer works on: dynalite's store and what the layer adds. */
export interface LayerContext {
  readonly store: Store
  readonly settings: TableSettingsStore
  readonly streams: StreamLog
  readonly tokens: TransactionTokens
  readonly region: string
}
