import type { DynaliteError } from 'dynalite/db/index.js'

/**
 * An error the DynamoDB layer answers with: its AWS error code, message, HTTP status and any
 * extra members of the error body (`Item`, `CancellationReasons`), which SDKs expose as
 * properties of the exception.
 */
export class DynamoDbError extends Error {
  override name = 'DynamoDbError'
  readonly code: string
  readonly status: number
  readonly members: Record<string, unknown>
  constructor(code: string, message: string, members: Record<string, unknown> = {}, status = 400) {
    super(message)
    this.code = code
    this.status = status
    this.members = members
  }
}

/**
 * The `__type` DynamoDB answers an error code with, one dialect for the layer's errors and
 * dynalite's: request validation comes from the Coral framework in front of the service
 * (`com.amazon.coral.validate#ValidationException`, `com.amazon.coral.service#…` for a
 * request it cannot read or route), everything else from the service's own model.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 */
export function dynamoDbErrorType(code: string): string {
  if (code === 'ValidationException') return 'com.amazon.coral.validate#ValidationException'
  if (coralServiceErrors.has(code)) return `com.amazon.coral.service#${code}`
  return `com.amazonaws.dynamodb.v20120810#${code}`
}

const coralServiceErrors = new Set([
  'SerializationException',
  'UnknownOperationException',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'AccessDeniedException',
  'UnrecognizedClientException',
])

export const validationException = (message: string) =>
  new DynamoDbError('ValidationException', message)

export const resourceNotFound = (message = 'Requested resource not found') =>
  new DynamoDbError('ResourceNotFoundException', message)

export const unsupportedOperation = (service: string, operation: string) =>
  new DynamoDbError(
    'UnknownOperationException',
    `The embedded ${service} does not support the operation '${operation}'. ` +
      'Supported: see local/dynamodb/router.ts.',
  )

export function isDynaliteError(error: unknown): error is DynaliteError {
  return (
    error instanceof Error &&
    typeof (error as Partial<DynaliteError>).statusCode === 'number' &&
    typeof (error as Partial<DynaliteError>).body === 'object'
  )
}

/** The short AWS error code of a dynalite error: `...v20120810#ConditionalCheckFailedException` → `ConditionalCheckFailedException`. */
export function dynaliteErrorCode(error: DynaliteError): string {
  return error.body.__type.split('#').pop() ?? error.body.__type
}

export function dynaliteErrorMessage(error: DynaliteError): string {
  return error.body.message ?? error.body.Message ?? ''
}
