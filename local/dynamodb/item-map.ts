import type { BatchOperation, Callback, Store } from 'dynalite/db/index.js'

/** dynalite keeps each item under `item-<table>~<key>` in its LevelDB. */
const itemPrefix = 'item-'
const isItemKey = (key: string) => key.startsWith(itemPrefix)

type Get = (key: string, cb?: Callback<unknown>) => Promise<unknown> | undefined
type Put = (key: string, value: unknown, cb?: Callback<void>) => Promise<void> | undefined
type Del = (key: string, cb?: Callback<void>) => Promise<void> | undefined
type Batch = (ops: BatchOperation[], cb?: Callback<void>) => Promise<void> | undefined

/**
 * Every item in memory, in front of dynalite's LevelDB, which stays the durable copy and the
 * ordered index (Query, Scan, the time-to-live sweeper and DeleteTable read it in key order).
 * A point read (GetItem, BatchGetItem, the read under a write's lock, a transaction's reads)
 * is answered from the map at once: through dynalite's store it encoded the key, found it in
 * the LevelDB tree, decoded the JSON and went through four promises and a setImmediate, and
 * a missing key (an idempotency record not written yet) cost the same.
 *
 * Loaded from LevelDB on open. Every write of an item, whoever makes it (the layer's commits,
 * dynalite's DeleteTable), goes through the store's `put`, `del` or `batch`, which update the
 * map once LevelDB has taken the write; a write LevelDB refused changes neither (its batches
 * are atomic). A read while a write is in flight sees the item before it, as a LevelDB read
 * could. The map's items are the written objects themselves, shared by their readers, which
 * only read them: dynalite's UpdateItem changes a clone, and a response is serialized.
 */
export async function keepItemsInMemory(store: Store): Promise<void> {
  const items = new Map<string, unknown>()
  const { db } = store
  for await (const [key, value] of db.iterator({ gte: itemPrefix, lt: `${itemPrefix}\xff` })) {
    items.set(key, value)
  }

  const apply = (ops: readonly BatchOperation[]) => {
    for (const op of ops) {
      if (!isItemKey(op.key)) continue
      if (op.type === 'put') items.set(op.key, op.value)
      else items.delete(op.key)
    }
  }
  /** Runs a write as the caller asked, callback or promise, and applies it once it landed. */
  const write = (
    ops: BatchOperation[],
    run: (cb?: Callback<void>) => Promise<void> | undefined,
    cb: Callback<void> | undefined,
  ): Promise<void> | undefined => {
    if (typeof cb === 'function') {
      run((err) => {
        if (!err) apply(ops)
        cb(err)
      })
      return undefined
    }
    return (run() as Promise<void>).then(() => apply(ops))
  }

  const get = (db.get as Get).bind(db)
  const put = (db.put as Put).bind(db)
  const del = (db.del as Del).bind(db)
  const batch = (db.batch as Batch).bind(db)
  const mapped = {
    get(key: string, cb?: Callback<unknown>) {
      if (!isItemKey(key)) return get(key, cb)
      const item = items.get(key)
      if (typeof cb !== 'function') return Promise.resolve(item)
      cb(null, item)
      return undefined
    },
    put: (key: string, value: unknown, cb?: Callback<void>) =>
      write([{ type: 'put', key, value }], (done) => put(key, value, done), cb),
    del: (key: string, cb?: Callback<void>) =>
      write([{ type: 'del', key }], (done) => del(key, done), cb),
    batch: (ops: BatchOperation[], cb?: Callback<void>) =>
      write(ops, (done) => batch(ops, done), cb),
  }
  Object.assign(db, mapped)
}
