import { SqsError } from '../sqs-error.ts'

/**
 * A receipt handle this SQS can have issued (fauxqs's are UUIDs); anything else is
 * ReceiptHandleIsInvalid, as AWS answers DeleteMessage and ChangeMessageVisibility:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html
 */
const handlePattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function receiptHandleError(handle: unknown): SqsError | undefined {
  if (typeof handle === 'string' && handlePattern.test(handle)) return undefined
  return new SqsError(
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${String(handle)}" is not a valid receipt handle.`,
  )
}

/**
 * On a FIFO queue a receipt handle stops working once its message's visibility timeout has
 * passed: "If the receipt handle is for a message whose visibility timeout has expired, the
 * request fails", and the message is delivered again.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html
 */
export function expiredReceiptHandle(handle: string): SqsError {
  return new SqsError(
    'InvalidParameterValue',
    `Value ${handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
  )
}
