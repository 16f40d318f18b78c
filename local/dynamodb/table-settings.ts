import type { BatchOperation, LevelDb } from 'dynalite/db/index.js'
import type { StreamViewType } from './stream-log.ts'

/** What the layer adds to a dynalite table: its stream and its time to live. */
export interface TableSettings {
  /** The table's latest stream; `enabled` is false once UpdateTable turned it off. */
  stream?: { arn: string; label: string; viewType: StreamViewType; enabled: boolean }
  timeToLive?: { attributeName: string; enabled: boolean }
}

const settingsKeyPrefix = '~layer~table~'

/**
 * Stream and time-to-live settings per table, held in memory for the write path and persisted
 * in dynalite's LevelDB beside the tables.
 */
export class TableSettingsStore {
  readonly #db: LevelDb
  readonly #settings = new Map<string, TableSettings>()

  constructor(db: LevelDb) {
    this.#db = db
  }

  async load(): Promise<void> {
    for await (const [key, value] of this.#db.iterator({
      gte: settingsKeyPrefix,
      lt: `${settingsKeyPrefix}\xff`,
    })) {
      this.#settings.set(key.slice(settingsKeyPrefix.length), value as TableSettings)
    }
  }

  get(tableName: string): TableSettings | undefined {
    return this.#settings.get(tableName)
  }

  tableNames(): string[] {
    return [...this.#settings.keys()]
  }

  /** Sets a table's settings in memory; returns the operation that persists them. */
  set(tableName: string, settings: TableSettings): BatchOperation {
    this.#settings.set(tableName, settings)
    return { type: 'put', key: settingsKeyPrefix + tableName, value: settings }
  }

  delete(tableName: string): BatchOperation {
    this.#settings.delete(tableName)
    return { type: 'del', key: settingsKeyPrefix + tableName }
  }

  persist(operations: BatchOperation[]): Promise<void> {
    return operations.length ? this.#db.batch(operations) : Promise.resolve()
  }
}
