import type { Callback, Store, TableDescription } from 'dynalite/db/index.js'

/**
 * Keeps dynalite's table descriptions in memory for the reads that check the table's status
 * (every item action's, and the layer's own): dynalite reads and decodes the table from
 * LevelDB on each of them, eleven times for a BatchGetItem of ten keys.
 *
 * Every table write goes through `tableDb.put` or `tableDb.del` (CreateTable, UpdateTable,
 * DeleteTable), which drop the name; a read that overlapped a write is not kept. A kept
 * description is shared by its readers, which only read it: the actions that change a table
 * (DeleteTable, UpdateTable) read it without the status check, from LevelDB, as before.
 * A table that is CREATING or DELETING is answered by dynalite's own getTable, so every
 * error is dynalite's.
 */
export function cacheTableReads(store: Store): void {
  const kept = new Map<string, TableDescription>()
  let generation = 0
  const { tableDb } = store
  const put = tableDb.put.bind(tableDb)
  const del = tableDb.del.bind(tableDb)
  const forget = (name: string) => {
    generation++
    kept.delete(name)
  }
  tableDb.put = (name, value, cb) => {
    forget(name)
    put(name, value, (err) => {
      forget(name)
      cb(err)
    })
  }
  tableDb.del = (name, cb) => {
    forget(name)
    del(name, (err) => {
      forget(name)
      cb(err)
    })
  }

  const read = store.getTable.bind(store) as (
    name: string,
    checkStatus: boolean,
    cb: Callback<TableDescription>,
  ) => void
  const usable = (table: TableDescription) =>
    table.TableStatus !== 'CREATING' && table.TableStatus !== 'DELETING'
  store.getTable = ((
    name: string,
    checkStatus: boolean | Callback<TableDescription>,
    cb?: Callback<TableDescription>,
  ) => {
    // dynalite's two-argument form checks the status (its callback is a truthy checkStatus).
    const callback = (
      typeof checkStatus === 'function' ? checkStatus : cb
    ) as Callback<TableDescription>
    if (checkStatus === false) return read(name, false, callback)
    const table = kept.get(name)
    if (table && usable(table)) return callback(null, table)
    const started = generation
    read(name, true, (err, found) => {
      if (!err && found && usable(found) && generation === started) kept.set(name, found)
      callback(err, found)
    })
  }) as Store['getTable']
}
