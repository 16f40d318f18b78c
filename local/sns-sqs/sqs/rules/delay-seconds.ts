import { invalidParameterValue, type SqsError } from '../sqs-error.ts'

/**
 * DelaySeconds of a message: "Valid values: 0 to 900. Maximum: 15 minutes."
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
export function delaySecondsError(delay: unknown): SqsError | undefined {
  if (
    delay === undefined ||
    (Number.isInteger(delay) && (delay as number) >= 0 && (delay as number) <= 900)
  )
    return undefined
  return invalidParameterValue(
    `Value ${String(delay)} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`,
  )
}
