/**
 * What the embedded AWS can be told to get wrong, per service and operation: AWS errors at
 * a rate, added latency, and lost replies (the operation takes effect, the reply never
 * arrives). Plain data, so a rule crosses to the DynamoDB thread and comes from a file.
 */

/** The services faults are injected into, by the name a rule scopes them with. */
export type FaultService = 'dynamodb' | 'streams' | 'sqs' | 'sns'

/**
 * The errors a rule can inject, each answered as the service answers it on AWS (see
 * `faultError`): `throttle` (ThrottlingException, RequestThrottled, Throttled), `5xx`
 * (InternalServerError / InternalError, HTTP 500), `throughput`
 * (ProvisionedThroughputExceededException, DynamoDB only), `conflict` (TransactionConflict,
 * DynamoDB's single-item writes and transactions only).
 */
export type FaultError = 'throttle' | '5xx' | 'throughput' | 'conflict'

export const faultErrors: readonly FaultError[] = ['throttle', '5xx', 'throughput', 'conflict']

/** One rule: which requests it applies to and what goes wrong with them. */
export interface FaultRule {
  /** `*` for every service. */
  readonly service: FaultService | '*'
  /** An operation of the service, as AWS names it (`TransactWriteItems`). @default - every operation */
  readonly operation?: string
  /** Share of requests (0 to 1) answered with each error instead of being served. @default - none */
  readonly errors?: Readonly<Partial<Record<FaultError, number>>>
  /** Share of requests (0 to 1) served whose reply is then dropped (the connection is reset). @default 0 */
  readonly lostReplies?: number
  /** Delay added before serving, uniform in [minMs, maxMs], to a share of requests. @default - none */
  readonly latency?: { readonly minMs: number; readonly maxMs: number; readonly rate: number }
}

/**
 * The operations each service serves, so that a rule naming one that does not exist (a typo
 * would silently never match) is refused. DynamoDB's list is the layer's router's
 * (test/unit/local/faults.test.ts checks that they agree).
 */
export const faultOperations: Readonly<Record<FaultService, readonly string[]>> = {
  dynamodb: [
    'BatchGetItem',
    'BatchWriteItem',
    'CreateTable',
    'DeleteItem',
    'DeleteTable',
    'DescribeTable',
    'DescribeTimeToLive',
    'GetItem',
    'ListTables',
    'ListTagsOfResource',
    'PutItem',
    'Query',
    'Scan',
    'TagResource',
    'TransactGetItems',
    'TransactWriteItems',
    'UntagResource',
    'UpdateItem',
    'UpdateTable',
    'UpdateTimeToLive',
  ],
  streams: ['DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams'],
  sqs: [
    'ChangeMessageVisibility',
    'ChangeMessageVisibilityBatch',
    'CreateQueue',
    'DeleteMessage',
    'DeleteMessageBatch',
    'DeleteQueue',
    'GetQueueAttributes',
    'GetQueueUrl',
    'ListQueueTags',
    'ListQueues',
    'PurgeQueue',
    'ReceiveMessage',
    'SendMessage',
    'SendMessageBatch',
    'SetQueueAttributes',
    'TagQueue',
    'UntagQueue',
  ],
  sns: [
    'ConfirmSubscription',
    'CreateTopic',
    'DeleteTopic',
    'GetTopicAttributes',
    'ListSubscriptions',
    'ListSubscriptionsByTopic',
    'ListTagsForResource',
    'ListTopics',
    'Publish',
    'PublishBatch',
    'SetSubscriptionAttributes',
    'SetTopicAttributes',
    'Subscribe',
    'TagResource',
    'Unsubscribe',
    'UntagResource',
  ],
}

/** DynamoDB's operations that AWS can refuse with a transaction conflict. */
export const conflictingOperations: ReadonlySet<string> = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
  'TransactGetItems',
])

/** The errors a service can answer with (`throughput` and `conflict` are DynamoDB's). */
export function errorsOf(service: FaultService): readonly FaultError[] {
  return service === 'dynamodb' ? faultErrors : ['throttle', '5xx']
}
