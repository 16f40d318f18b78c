import { createKey } from 'dynalite/db/index.js'
import type { LayerContext } from './context.ts'
import {
  getItem,
  getTable,
  itemDbKey,
  lockItems,
  type TableDescription,
  type WireItem,
} from './dynalite-store.ts'
import { commitChanges } from './item-writes.ts'

/** DynamoDB leaves alone items whose expiry is more than five years in the past. */
const maxExpiryAgeSeconds = 5 * 365 * 24 * 60 * 60

/**
 * Whether time to live deletes an item at `nowSeconds`: its attribute is a number of epoch
 * seconds before now ("less than the current time", API_UpdateTimeToLive), not at that second.
 */
function isExpired(item: WireItem, attributeName: string, nowSeconds: number): boolean {
  // A missing attribute or one of another type (no `N`) is NaN here, never expired.
  const expiresAt = Number(item[attributeName]?.N)
  return (
    Number.isFinite(expiresAt) &&
    expiresAt < nowSeconds &&
    expiresAt >= nowSeconds - maxExpiryAgeSeconds
  )
}

/**
 * One pass of the time-to-live sweeper: deletes every expired item of every table with time to
 * live enabled, each under its item lock (a write that renewed the item in between wins), with a
 * stream REMOVE record by the dynamodb.amazonaws.com service. Returns how many it deleted.
 */
export async function sweepExpiredItems(context: LayerContext, nowMs: number): Promise<number> {
  const nowSeconds = nowMs / 1000
  let deleted = 0
  for (const tableName of context.settings.tableNames()) {
    // Stryker disable next-line OptionalChaining: tableNames() lists only tables that have settings
    const timeToLive = context.settings.get(tableName)?.timeToLive
    if (!timeToLive?.enabled) continue
    let table: TableDescription
    try {
      table = await getTable(context.store, tableName)
    } catch {
      continue
    }
    const candidates: WireItem[] = []
    const prefix = itemDbKey(tableName, '')
    for await (const [, item] of context.store.db.iterator({ gte: prefix, lt: `${prefix}\xff` })) {
      // Stryker disable next-line ConditionalExpression: every candidate is checked again under its lock; this only spares the locks
      if (isExpired(item as WireItem, timeToLive.attributeName, nowSeconds)) {
        candidates.push(item as WireItem)
      }
    }
    for (const candidate of candidates) {
      const key = createKey(candidate, table)
      const release = await lockItems(context.store, [{ tableName, key }])
      try {
        const current = await getItem(context.store, tableName, key)
        if (current && isExpired(current, timeToLive.attributeName, nowSeconds)) {
          await commitChanges(context, [
            { table, key, oldItem: current, newItem: undefined, byTimeToLive: true },
          ])
          deleted++
        }
      } finally {
        release()
      }
    }
  }
  return deleted
}
