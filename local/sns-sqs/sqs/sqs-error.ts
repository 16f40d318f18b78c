/**
 * An SQS error as AWS sends it over the JSON protocol: `__type` is the error's shape name in
 * the SQS API model (`com.amazonaws.sqs#QueueDoesNotExist`), and the `x-amzn-query-error`
 * header carries the code Query-protocol clients know (`AWS.SimpleQueueService.NonExistentQueue`)
 * and the fault. One owner of that wire format: every SQS error the embedded AWS answers,
 * ours or fauxqs's, goes out through `toWire`.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-faqs.html
 */
export class SqsError extends Error {
  override name = 'SqsError'
  /** The error's name, as the API reference lists it per action (`ReceiptHandleIsInvalid`). */
  readonly code: string
  readonly status: number
  constructor(code: string, message: string, status = 400) {
    super(message)
    this.code = code
    this.status = status
  }

  /** The JSON body and query-compatible header AWS sends for this error. */
  toWire(): { status: number; body: { __type: string; message: string }; queryError: string } {
    const names = wireNames[this.code] ?? { shape: this.code, query: this.code }
    return {
      status: this.status,
      body: { __type: `com.amazonaws.sqs#${names.shape}`, message: this.message },
      queryError: `${names.query};${this.status >= 500 ? 'Receiver' : 'Sender'}`,
    }
  }
}

/**
 * Shape name (JSON `__type`) and Query code per error, where they are not the error's name:
 * from the @awsQueryError traits of the SQS API model; the common errors are not modeled.
 * Their shapes are as AWS answered them in recorded responses (LocalStack's AWS-validated
 * snapshots, where botocore shows the shape as QueryErrorCode): InvalidParameterValue is
 * `InvalidParameterValueException`, MissingParameter is `MissingRequiredParameterException`.
 */
const wireNames: Readonly<Record<string, { shape: string; query: string }>> = {
  InvalidParameterValue: {
    shape: 'InvalidParameterValueException',
    query: 'InvalidParameterValue',
  },
  MissingParameter: { shape: 'MissingRequiredParameterException', query: 'MissingParameter' },
  QueueDoesNotExist: {
    shape: 'QueueDoesNotExist',
    query: 'AWS.SimpleQueueService.NonExistentQueue',
  },
  QueueNameExists: { shape: 'QueueNameExists', query: 'QueueAlreadyExists' },
  PurgeQueueInProgress: {
    shape: 'PurgeQueueInProgress',
    query: 'AWS.SimpleQueueService.PurgeQueueInProgress',
  },
  EmptyBatchRequest: {
    shape: 'EmptyBatchRequest',
    query: 'AWS.SimpleQueueService.EmptyBatchRequest',
  },
  TooManyEntriesInBatchRequest: {
    shape: 'TooManyEntriesInBatchRequest',
    query: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  },
  BatchEntryIdsNotDistinct: {
    shape: 'BatchEntryIdsNotDistinct',
    query: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  },
  InvalidBatchEntryId: {
    shape: 'InvalidBatchEntryId',
    query: 'AWS.SimpleQueueService.InvalidBatchEntryId',
  },
  BatchRequestTooLong: {
    shape: 'BatchRequestTooLong',
    query: 'AWS.SimpleQueueService.BatchRequestTooLong',
  },
  MessageNotInflight: {
    shape: 'MessageNotInflight',
    query: 'AWS.SimpleQueueService.MessageNotInflight',
  },
  UnsupportedOperation: {
    shape: 'UnsupportedOperation',
    query: 'AWS.SimpleQueueService.UnsupportedOperation',
  },
  QueueDeletedRecently: {
    shape: 'QueueDeletedRecently',
    query: 'AWS.SimpleQueueService.QueueDeletedRecently',
  },
}

/** fauxqs's own SqsError (code, message, statusCode), as its actions throw it. */
function fromFauxqs(error: unknown): SqsError | undefined {
  const e = error as { name?: unknown; code?: unknown; message?: unknown; statusCode?: unknown }
  if (e?.name !== 'SqsError' || typeof e.code !== 'string') return undefined
  if (error instanceof SqsError) return error
  return new SqsError(
    e.code,
    String(e.message ?? ''),
    typeof e.statusCode === 'number' ? e.statusCode : 400,
  )
}

/** Any error an action throws, as the SqsError it goes out as (an unexpected one: InternalFailure). */
export function toSqsError(error: unknown): SqsError {
  return (
    fromFauxqs(error) ??
    new SqsError('InternalFailure', String((error as Error)?.message ?? error), 500)
  )
}

export const invalidParameterValue = (message: string) =>
  new SqsError('InvalidParameterValue', message)
