/** The event store client's defaults, declared once. */
export const eventStoreDefaults = {
  /** Items a stream read asks DynamoDB for per Query page. */
  pageSize: 100,
  /** Attempts of an `expectedVersion: 'any'` append that keeps losing races to other writers. */
  anyVersionAttempts: 5,
} as const

/** DynamoDB's limit of items in one TransactWriteItems. */
export const maxTransactItems = 100
