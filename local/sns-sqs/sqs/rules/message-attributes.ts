import { invalidParameterValue, type SqsError } from '../sqs-error.ts'

/**
 * SQS message attributes, as SendMessage and SendMessageBatch accept them:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_MessageAttributeValue.html
 * - at most 10 a message;
 * - a name of 1-256 characters from A-Z a-z 0-9 _ - . , not starting or ending with a period,
 *   no two periods in a row, and not starting with the reserved `AWS.` or `Amazon.` (any case);
 * - a DataType of String, Number or Binary, optionally followed by `.` and a custom label,
 *   at most 256 characters;
 * - a value that is not empty, a Number one a number, a String one only of the characters a
 *   message body may hold.
 */
const maxAttributes = 10
const maxNameLength = 256
const namePattern = /^[A-Za-z0-9_.-]+$/
const reservedPrefix = /^(aws|amazon)\./i
const dataTypePattern = /^(String|Number|Binary)(\..+)?$/
/** What a message body and a String value may hold: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD and beyond. */
const invalidCharacter = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u
const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

interface MessageAttributeValue {
  readonly DataType?: unknown
  readonly StringValue?: unknown
  readonly BinaryValue?: unknown
}

/** The error AWS answers for a message's attributes, or undefined when they are valid. */
export function messageAttributesError(attributes: unknown): SqsError | undefined {
  if (attributes === undefined || attributes === null) return undefined
  const entries = Object.entries(attributes as Record<string, MessageAttributeValue>)
  if (entries.length > maxAttributes) {
    return invalidParameterValue(
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [${maxAttributes}].`,
    )
  }
  for (const [name, value] of entries) {
    const error = nameError(name) ?? valueError(name, value ?? {})
    if (error) return invalidParameterValue(error)
  }
  return undefined
}

function nameError(name: string): string | undefined {
  if (name.length === 0) return 'Message (user) attribute name must not be empty.'
  if (name.length > maxNameLength) {
    return `Message (user) attribute name must be shorter than ${maxNameLength} bytes.`
  }
  if (reservedPrefix.test(name)) {
    return `Message (user) attribute name '${name}' is reserved for use by AWS (names starting with AWS. or Amazon.).`
  }
  if (
    !namePattern.test(name) ||
    name.startsWith('.') ||
    name.endsWith('.') ||
    name.includes('..')
  ) {
    return `Message (user) attribute name '${name}' has invalid characters: use A-Z, a-z, 0-9, underscore, hyphen and period, not at the start or end and not two in a row.`
  }
  return undefined
}

function valueError(name: string, value: MessageAttributeValue): string | undefined {
  const { DataType, StringValue, BinaryValue } = value
  if (typeof DataType !== 'string' || DataType.length === 0) {
    return `The message attribute '${name}' must contain a non-empty message attribute type.`
  }
  const base = dataTypePattern.exec(DataType)?.[1]
  if (!base || DataType.length > maxNameLength) {
    return `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`
  }
  if (base === 'Binary') {
    if (BinaryValue === undefined || BinaryValue === null || BinaryValue === '') {
      return `Message (user) attribute '${name}' must contain a non-empty value of type 'Binary'.`
    }
    return undefined
  }
  if (typeof StringValue !== 'string' || StringValue === '') {
    return `Message (user) attribute '${name}' must contain a non-empty value of type '${base}'.`
  }
  if (base === 'Number' && !numberPattern.test(StringValue)) {
    return `Can't cast the value of message (user) attribute '${name}' to a number.`
  }
  if (invalidCharacter.test(StringValue)) {
    return `Message (user) attribute '${name}' contains invalid characters: valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.`
  }
  return undefined
}
