import type { BatchOperation, Callback, SubDb } from 'dynalite/db/index.js'
import { getIndexActions } from 'dynalite/db/index.js'
import type { LayerContext } from './context.ts'
import {
  indexDbKey,
  itemDbKey,
  type Store,
  type TableDescription,
  type WireItem,
} from './dynalite-store.ts'
import type { ItemChange } from './stream-log.ts'

/**
 * Commits changes to items in one atomic LevelDB batch: the items, their secondary index
 * entries, and the stream record of each change that changed something. Readers see all of a
 * transaction or none of it.
 */
export async function commitChanges(
  context: LayerContext,
  changes: readonly ItemChange[],
): Promise<void> {
  const operations: BatchOperation[] = []
  const appended: { state: 'pending' | 'committed' | 'dropped' }[] = []
  for (const change of changes) {
    const { table, key, oldItem, newItem } = change
    for (const indexType of ['Local', 'Global'] as const) {
      const indexes = table[`${indexType}SecondaryIndexes`]
      if (!indexes?.length) continue
      const actions = getIndexActions(indexes, oldItem, newItem, table)
      for (const { index, key: indexKey } of actions.deletes) {
        operations.push({
          type: 'del',
          key: indexDbKey(indexType, table.TableName, index, indexKey),
        })
      }
      for (const { index, key: indexKey, item } of actions.puts) {
        operations.push({
          type: 'put',
          key: indexDbKey(indexType, table.TableName, index, indexKey),
          value: item,
        })
      }
    }
    const itemKey = itemDbKey(table.TableName, key)
    operations.push(
      newItem ? { type: 'put', key: itemKey, value: newItem } : { type: 'del', key: itemKey },
    )

    const stream = context.settings.get(table.TableName)?.stream
    if (stream?.enabled) {
      const record = context.streams.append(stream.arn, change)
      if (record) {
        operations.push(record.operation)
        appended.push(record.entry)
      }
    }
  }
  try {
    await context.store.db.batch(operations)
  } catch (error) {
    // Stryker disable next-line StringLiteral: readers skip every entry neither pending nor committed, so any other state reads as dropped
    for (const entry of appended) entry.state = 'dropped'
    throw error
  }
  for (const entry of appended) entry.state = 'committed'
}

const readKey = (tableName: string, key: string) => `${tableName}\u0000${key}`

/**
 * A view of dynalite's store that dynalite's item actions (putItem, updateItem, deleteItem,
 * batchWriteItem) run on unchanged, so that the layer sees each item's old and new image:
 *
 * - `autocommit`: single-item writes. The actions take dynalite's item locks themselves; each
 *   put or delete commits through commitChanges before the action releases its lock.
 * - `staged`: a transaction. The caller holds the locks and has read the items; puts and
 *   deletes are only collected in `changes`, for the caller to commit all at once.
 *
 * Secondary index writes are dropped here: commitChanges derives them from old and new images.
 */
export class ItemWriteView {
  readonly store: Store
  readonly changes: ItemChange[] = []
  readonly #reads = new Map<string, WireItem | undefined>()
  readonly #tables = new Map<string, TableDescription>()

  constructor(context: LayerContext, mode: 'autocommit' | 'staged') {
    const real = context.store
    const reads = this.#reads
    const tables = this.#tables
    const changes = this.changes
    const ignoreIndexWrites = {
      put: (_key: string, _value: unknown, cb: Callback<void>) => cb(null),
      del: (_key: string, cb: Callback<void>) => cb(null),
    }
    const noLock: SubDb['lock'] = (_key, exec) => exec((done) => done)

    const write = (
      tableName: string,
      key: string,
      newItem: WireItem | undefined,
      cb: Callback<void>,
    ) => {
      const table = tables.get(tableName)
      // Unreachable: dynalite's item actions read the table (getTable below) before they write.
      // Stryker disable next-line ConditionalExpression,StringLiteral: no request reaches a write before its table read
      if (!table) return cb(new Error(`ItemWriteView: table ${tableName} was not read first`))
      const change: ItemChange = {
        table,
        key,
        oldItem: reads.get(readKey(tableName, key)),
        newItem,
      }
      if (mode === 'staged') {
        changes.push(change)
        return cb(null)
      }
      commitChanges(context, [change]).then(
        () => cb(null),
        (error: Error) => cb(error),
      )
    }

    this.store = Object.create(real, {
      getTable: {
        value: (name: string, checkStatus: unknown, cb?: Callback<TableDescription>) => {
          const callback = (
            typeof checkStatus === 'function' ? checkStatus : cb
          ) as Callback<TableDescription>
          const known = tables.get(name)
          if (known) return callback(null, known)
          // dynalite's two-argument getTable checks the table's status too.
          real.getTable(
            name,
            typeof checkStatus === 'function' || checkStatus === true,
            (err, table) => {
              if (table) tables.set(name, table)
              callback(err, table)
            },
          )
        },
      },
      getItemDb: {
        value: (tableName: string): Partial<SubDb> => {
          const itemDb = real.getItemDb(tableName)
          return {
            lock: mode === 'staged' ? noLock : itemDb.lock,
            get: (key, cb) => {
              const at = readKey(tableName, key)
              if (mode === 'staged') return cb(null, reads.get(at))
              itemDb.get(key, (err, item) => {
                if (err && err.name !== 'NotFoundError') return cb(err)
                reads.set(at, (item ?? undefined) as WireItem | undefined)
                cb(null, item ?? undefined)
              })
            },
            put: (key, item, cb) => write(tableName, key, item as WireItem, cb),
            del: (key, cb) => write(tableName, key, undefined, cb),
          }
        },
      },
      getIndexDb: { value: () => ignoreIndexWrites },
    }) as Store
  }

  /** Makes a table known without reading it (staged mode reads tables up front). */
  knowTable(table: TableDescription): void {
    this.#tables.set(table.TableName, table)
  }

  /** Gives staged actions the item as the caller read it under its locks. */
  knowItem(tableName: string, key: string, item: WireItem | undefined): void {
    this.#reads.set(readKey(tableName, key), item)
  }

  /** The single item a one-item write read (undefined when it read none or the item is absent). */
  onlyItemRead(): WireItem | undefined {
    const [first] = this.#reads.values()
    return first
  }
}
