/** The event store client's defaults, declared once. */
export const eventStoreDefaults = {
  /** Items a stream read asks DynamoDB for per Query page. */
  pageSize: 100,
  /** Attempts of an `expectedVersion: 'any'` append that keeps losing races to other writers. */
  anyVersionAttempts: 5,
  /**
   * Events between snapshots (`SnapshotPolicy.every`). Under `pageSize`, so a read after a
   * snapshot is one Query page (it reads the snapshot's own version too, to check it); one
   * extra write per 50 events.
   */
  snapshotEvery: 50,
} as const

/** DynamoDB's limit of an item's size: names and values, in bytes. */
export const maxItemBytes = 400 * 1024
