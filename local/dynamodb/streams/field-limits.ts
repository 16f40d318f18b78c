/**
 * The DynamoDB Streams API's limits on the identifiers several actions take, in dynalite's
 * validation vocabulary, declared once so the actions cannot drift apart.
 */
export const streamArnLimits = {
  type: 'String',
  lengthGreaterThanOrEqual: 37,
  lengthLessThanOrEqual: 1024,
} as const

export const shardIdLimits = {
  type: 'String',
  lengthGreaterThanOrEqual: 28,
  lengthLessThanOrEqual: 65,
} as const
