import type { FaultError, FaultService } from './fault-rules.ts'

/** An injected AWS error as its service answers it: code, HTTP status, message, extra members. */
export interface InjectedError {
  readonly code: string
  readonly status: number
  readonly message: string
  /** Extra members of the error body (`CancellationReasons`). */
  readonly members?: Record<string, unknown>
}

const dynamoDbErrors: Record<Exclude<FaultError, 'conflict'>, InjectedError> = {
  throttle: {
    code: 'ThrottlingException',
    status: 400,
    message: 'Rate of requests exceeds the allowed throughput.',
  },
  '5xx': { code: 'InternalServerError', status: 500, message: 'Internal server error' },
  throughput: {
    code: 'ProvisionedThroughputExceededException',
    status: 400,
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
}

const otherErrors: Record<
  Exclude<FaultService, 'dynamodb'>,
  Record<'throttle' | '5xx', InjectedError>
> = {
  streams: {
    throttle: { code: 'LimitExceededException', status: 400, message: 'Rate exceeded for shard' },
    '5xx': { code: 'InternalServerError', status: 500, message: 'Internal server error' },
  },
  sqs: {
    throttle: { code: 'RequestThrottled', status: 400, message: 'Rate exceeded' },
    '5xx': {
      code: 'InternalFailure',
      status: 500,
      message:
        'The request processing has failed because of an unknown error, exception or failure.',
    },
  },
  sns: {
    throttle: { code: 'Throttled', status: 429, message: 'Rate exceeded' },
    '5xx': { code: 'InternalError', status: 500, message: 'Internal Error' },
  },
}

/**
 * The error AWS answers for an injected fault (codes and texts from each service's API
 * reference). A conflict is TransactionConflictException for a single-item write, and for a
 * transaction TransactionCanceledException with a TransactionConflict reason on its first
 * item, as DynamoDB cancels one that meets another in flight.
 */
export function injectedError(
  service: FaultService,
  operation: string,
  error: FaultError,
  request?: unknown,
): InjectedError {
  if (service !== 'dynamodb') {
    return otherErrors[service][error === 'throttle' ? 'throttle' : '5xx']
  }
  if (error !== 'conflict') return dynamoDbErrors[error]
  if (operation !== 'TransactWriteItems' && operation !== 'TransactGetItems') {
    return {
      code: 'TransactionConflictException',
      status: 400,
      message: 'Transaction is ongoing for the item',
    }
  }
  const items = (request as { TransactItems?: unknown[] } | undefined)?.TransactItems
  const reasons = Array.from({ length: Math.max(1, items?.length ?? 1) }, (_, i) =>
    i === 0
      ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
      : { Code: 'None' },
  )
  return {
    code: 'TransactionCanceledException',
    status: 400,
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    members: { CancellationReasons: reasons },
  }
}
