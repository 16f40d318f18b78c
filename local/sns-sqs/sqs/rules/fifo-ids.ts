import { invalidParameterValue, type SqsError } from '../sqs-error.ts'

/**
 * MessageGroupId and MessageDeduplicationId: "The maximum length is 128 characters. Valid
 * values: alphanumeric characters and punctuation (!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~)".
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
const idPattern = /^[\x21-\x7E]{1,128}$/

export function fifoIdError(input: {
  readonly MessageGroupId?: unknown
  readonly MessageDeduplicationId?: unknown
}): SqsError | undefined {
  for (const name of ['MessageGroupId', 'MessageDeduplicationId'] as const) {
    const value = input[name]
    if (value === undefined) continue
    if (typeof value !== 'string' || !idPattern.test(value)) {
      return invalidParameterValue(
        `Value ${String(value)} for parameter ${name} is invalid. Reason: ${name} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
      )
    }
  }
  return undefined
}
