import { mkdirSync } from 'node:fs'
import type {
  Callback,
  Lock,
  Store,
  TableDescription,
  ValidatedRequest,
  WireItem,
} from 'dynalite/db/index.js'
import * as dynaliteDb from 'dynalite/db/index.js'
import type { Custom, FieldSpec } from 'dynalite/validations/index.js'
import * as validations from 'dynalite/validations/index.js'
import { memoizeDynaliteExpressionParsers } from './expression-cache.ts'

export type { Store, TableDescription, ValidatedRequest, WireItem }

/** One of dynalite's action functions (node_modules/dynalite/actions). */
export type DynaliteAction = (store: Store, data: ValidatedRequest, cb: Callback<unknown>) => void

/** A request validation in dynalite's format (node_modules/dynalite/validations). */
export interface RequestValidation {
  readonly types: Record<string, FieldSpec | undefined>
  readonly custom?: Custom | undefined
}

export interface DynaliteStoreOptions {
  /** Folder for the LevelDB store. @default - in memory */
  readonly dataDir?: string
  /** Region in table ARNs. @default 'us-east-1' */
  readonly region?: string
}

/**
 * dynalite's store (LevelDB or in memory), opened without its HTTP server: the layer calls
 * dynalite's validations and actions on it directly, in process.
 */
export function openDynaliteStore(options: DynaliteStoreOptions = {}): Store {
  // Stryker disable next-line CallExpression: the memoized parsers answer what dynalite's own would, only sooner
  memoizeDynaliteExpressionParsers()
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true })
  const store = dynaliteDb.create({
    path: options.dataDir,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  })
  if (options.region) store.tableDb.awsRegion = options.region
  return store
}

export function closeDynaliteStore(store: Store): Promise<void> {
  return new Promise((resolve, reject) =>
    store.lifecycleManager.gracefulClose((err) => (err ? reject(err) : resolve())),
  )
}

/**
 * Checks a request's types and constraints the way dynalite does, and returns the request with
 * its expressions parsed (`_condition`, `_updates`, `_projection`). Throws a dynalite error.
 */
export function validateRequest(
  store: Store,
  validation: RequestValidation,
  request: unknown,
): ValidatedRequest {
  const data = validations.checkTypes(request, validation.types)
  validations.checkValidations(data, validation.types, validation.custom, store)
  return data
}

export function callAction<T = unknown>(
  action: DynaliteAction,
  store: Store,
  data: ValidatedRequest,
): Promise<T> {
  return new Promise((resolve, reject) =>
    action(store, data, (err, result) => (err ? reject(err) : resolve(result as T))),
  )
}

/** The table, or dynalite's ResourceNotFoundException; `checkStatus` also rejects CREATING/DELETING tables. */
export function getTable(
  store: Store,
  name: string,
  checkStatus = true,
): Promise<TableDescription> {
  return new Promise((resolve, reject) =>
    store.getTable(name, checkStatus, (err, table) =>
      err || !table ? reject(err) : resolve(table),
    ),
  )
}

export function getItem(
  store: Store,
  tableName: string,
  key: string,
): Promise<WireItem | undefined> {
  return new Promise((resolve, reject) =>
    store.getItemDb(tableName).get(key, (err, item) => {
      if (err && err.name !== 'NotFoundError') reject(err)
      else resolve((item ?? undefined) as WireItem | undefined)
    }),
  )
}

/** The main LevelDB key of an item: dynalite keeps each table's items under `item-<table>~`. */
export const itemDbKey = (tableName: string, key: string) => `item-${tableName}~${key}`

/** The main LevelDB key of an index entry, as dynalite's getIndexDb prefixes it. */
export const indexDbKey = (
  indexType: 'Local' | 'Global',
  tableName: string,
  indexName: string,
  key: string,
) => `index-${indexType.toLowerCase()}~${tableName}~${indexName}~${key}`

export interface ItemLock {
  readonly tableName: string
  readonly key: string
}

/**
 * Takes dynalite's per-item locks on every item at once, the same locks its actions take, so a
 * transaction excludes concurrent single-item writes on its items. Every key of one call is
 * queued in the same tick, so two multi-item lockers never wait on each other in a cycle.
 * Resolves to the function that releases them all.
 */
export function lockItems(store: Store, items: readonly ItemLock[]): Promise<() => void> {
  const byTable = new Map<string, string[]>()
  for (const { tableName, key } of items) {
    const keys = byTable.get(tableName) ?? []
    keys.push(key)
    byTable.set(tableName, keys)
  }
  const held: Promise<() => void>[] = []
  for (const [tableName, keys] of byTable) {
    const lock: Lock = store.getItemDb(tableName).lock
    held.push(
      new Promise((resolve) =>
        lock(keys, (release) => {
          resolve(release(() => undefined))
        }),
      ),
    )
  }
  return Promise.all(held).then((releases) => () => {
    for (const release of releases) release()
  })
}
