declare module 'dynalite' {
  import type { Server } from 'node:http'

  interface DynaliteOptions {
    path?: string | undefined
    createTableMs?: number
    deleteTableMs?: number
    updateTableMs?: number
    maxItemSizeKb?: number
    verbose?: boolean
    debug?: boolean
  }
  function dynalite(options?: DynaliteOptions): Server
  export default dynalite
}

/**
 * dynalite's internals, which the DynamoDB layer (local/dynamodb/) calls in process. Only
 * what the layer uses is declared. Items travel in DynamoDB's JSON wire format.
 */
declare module 'dynalite/db/index.js' {
  /** An item or key in DynamoDB's JSON wire format: `{ pk: { S: 'a' }, n: { N: '1' } }`. */
  export type WireItem = Record<string, Record<string, unknown>>

  /** The error shape dynalite's actions and validations call back with. */
  export interface DynaliteError extends Error {
    statusCode: number
    body: { __type: string; message?: string; Message?: string }
  }

  export type Callback<T> = (err: Error | null | undefined, value?: T) => void

  export interface KeySchemaElement {
    AttributeName: string
    KeyType: 'HASH' | 'RANGE'
  }

  export interface SecondaryIndex {
    IndexName: string
    KeySchema: KeySchemaElement[]
    Projection: { ProjectionType?: string; NonKeyAttributes?: string[] }
  }

  /** A table as dynalite stores it: DescribeTable's `Table`. */
  export interface TableDescription {
    TableName: string
    TableArn: string
    TableStatus: string
    KeySchema: KeySchemaElement[]
    AttributeDefinitions: { AttributeName: string; AttributeType: string }[]
    LocalSecondaryIndexes?: SecondaryIndex[]
    GlobalSecondaryIndexes?: SecondaryIndex[]
    [field: string]: unknown
  }

  export type BatchOperation =
    | { type: 'put'; key: string; value: unknown }
    | { type: 'del'; key: string }

  /** `lock(key | keys, exec)`: exec gets `release`, which wraps a callback to release first. */
  export type Lock = (
    key: string | string[],
    exec: (release: <F extends (...args: never[]) => unknown>(done: F) => F) => void,
  ) => void

  export interface SubDb {
    get(key: string, cb: Callback<unknown>): void
    put(key: string, value: unknown, cb: Callback<void>): void
    del(key: string, cb: Callback<void>): void
    batch(ops: BatchOperation[], cb: Callback<void>): void
    createValueStream(options?: Record<string, unknown>): NodeJS.ReadableStream
    lock: Lock
  }

  export interface LevelDb {
    get(key: string): Promise<unknown>
    put(key: string, value: unknown): Promise<void>
    del(key: string): Promise<void>
    batch(ops: BatchOperation[]): Promise<void>
    iterator(options?: Record<string, unknown>): AsyncIterable<[string, unknown]> & {
      close(): Promise<void>
    }
  }

  export interface Store {
    options: { maxItemSize: number; [option: string]: unknown }
    db: LevelDb
    tableDb: SubDb & { awsAccountId: string; awsRegion: string }
    getItemDb(tableName: string): SubDb
    getIndexDb(indexType: 'Local' | 'Global', tableName: string, indexName: string): SubDb
    getTable(name: string, cb: Callback<TableDescription>): void
    getTable(name: string, checkStatus: boolean, cb: Callback<TableDescription>): void
    lifecycleManager: { gracefulClose(cb: (err?: Error | null) => void): void }
    [member: string]: unknown
  }

  export interface StoreOptions {
    path?: string | undefined
    createTableMs?: number
    deleteTableMs?: number
    updateTableMs?: number
    maxItemSizeKb?: number
  }

  /** The condition and expression data validations attach to a request (`_condition`, ...). */
  export type ValidatedRequest = Record<string, unknown>

  export function create(options?: StoreOptions): Store
  export function validateKey(key: WireItem, table: TableDescription): DynaliteError | null
  export function validateItem(item: WireItem, table: TableDescription): DynaliteError | null
  export function createKey(item: WireItem, table: TableDescription): string
  export function checkConditional(
    data: ValidatedRequest,
    existingItem: WireItem | undefined,
  ): DynaliteError | null | undefined
  export function validationError(message: string): DynaliteError
  export function itemSize(item: WireItem): number
  export function mapPaths(paths: unknown[], item: WireItem): WireItem
  export function getIndexActions(
    indexes: SecondaryIndex[],
    existingItem: WireItem | undefined | null,
    item: WireItem | undefined | null,
    table: TableDescription,
  ): {
    puts: { index: string; key: string; item: WireItem }[]
    deletes: { index: string; key: string }[]
  }
}

declare module 'dynalite/validations/index.js' {
  import type { Store, ValidatedRequest } from 'dynalite/db/index.js'

  /** dynalite's validation spec for one request field (see node_modules/dynalite/validations). */
  export type FieldSpec = Record<string, unknown> | string
  export type Custom = (data: ValidatedRequest, store: Store) => string | undefined

  export function checkTypes(
    data: unknown,
    types: Record<string, FieldSpec | undefined>,
  ): ValidatedRequest
  export function checkValidations(
    data: ValidatedRequest,
    types: Record<string, FieldSpec | undefined>,
    custom: Custom | undefined,
    store: Store,
  ): void
}

declare module 'dynalite/validations/*.js' {
  import type { Custom, FieldSpec } from 'dynalite/validations/index.js'
  export const types: Record<string, FieldSpec | undefined>
  export const custom: Custom | undefined
}

declare module 'dynalite/actions/*.js' {
  import type { Callback, Store, ValidatedRequest } from 'dynalite/db/index.js'

  const action: (store: Store, data: ValidatedRequest, cb: Callback<unknown>) => void
  export default action
}
