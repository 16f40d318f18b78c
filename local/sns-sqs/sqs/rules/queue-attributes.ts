import type { FauxqsSqsStore } from '../fauxqs-sqs.ts'
import { invalidParameterValue, SqsError } from '../sqs-error.ts'

/**
 * Queue names and attributes as CreateQueue and SetQueueAttributes accept them:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 */

/** "Up to 80 characters: alphanumeric characters, hyphens (-), and underscores (_). A FIFO queue name must end with the .fifo suffix." */
export function queueNameError(name: string, fifo: boolean): SqsError | undefined {
  if (fifo) {
    if (/^[A-Za-z0-9_-]{1,75}\.fifo$/.test(name)) return undefined
    return invalidParameterValue(
      'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
    )
  }
  if (/^[A-Za-z0-9_-]{1,80}$/.test(name)) return undefined
  return invalidParameterValue(
    name.endsWith('.fifo')
      ? 'The name of a standard queue cannot end with .fifo: set the FifoQueue attribute to true to create a FIFO queue.'
      : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.',
  )
}

/** "FifoQueue, ContentBasedDeduplication, DeduplicationScope, FifoThroughputLimit: apply only to FIFO queues." */
const fifoOnly = ['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']
/**
 * Booleans are `true` and `false` in any case: AWS takes a queue created with FifoQueue
 * `True` and ContentBasedDeduplication `False` as a FIFO queue without content-based
 * deduplication and answers both in lower case (recorded responses: LocalStack's
 * AWS-validated FIFO tests create their queues so). Anything else is InvalidAttributeValue.
 */
const booleans = ['FifoQueue', 'ContentBasedDeduplication', 'SqsManagedSseEnabled']

/** The attributes with each boolean in lower case, as AWS keeps and answers them. */
export function lowerCaseBooleans(
  attributes: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  if (!booleans.some((name) => typeof attributes[name] === 'string')) return attributes
  const lowered: Record<string, unknown> = { ...attributes }
  for (const name of booleans) {
    const value = lowered[name]
    if (typeof value === 'string') lowered[name] = value.toLowerCase()
  }
  return lowered
}

/**
 * The error AWS answers for attributes of a queue that is (or is being created) `fifo`,
 * its booleans in lower case already ({@link lowerCaseBooleans}).
 */
export function queueAttributesError(
  attributes: Readonly<Record<string, unknown>>,
  fifo: boolean,
  store: FauxqsSqsStore,
): SqsError | undefined {
  for (const name of booleans) {
    const value = attributes[name]
    if (value !== undefined && value !== 'true' && value !== 'false') {
      return new SqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`)
    }
  }
  if (!fifo) {
    const name = fifoOnly.find((n) => attributes[n] !== undefined)
    if (name) return new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`)
  }
  const policy = attributes.RedrivePolicy
  if (typeof policy === 'string' && policy !== '') return redrivePolicyError(policy, fifo, store)
  return undefined
}

/**
 * RedrivePolicy: `{"deadLetterTargetArn": "<an existing queue of the same type>",
 * "maxReceiveCount": 1-1000}`.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 */
function redrivePolicyError(
  json: string,
  fifo: boolean,
  store: FauxqsSqsStore,
): SqsError | undefined {
  const invalid = (reason: string) =>
    invalidParameterValue(`Value ${json} for parameter RedrivePolicy is invalid. Reason: ${reason}`)
  let policy: unknown
  try {
    policy = JSON.parse(json)
  } catch {
    return invalid('Redrive policy is not a valid JSON map.')
  }
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    return invalid('Redrive policy is not a valid JSON map.')
  }
  const { deadLetterTargetArn, maxReceiveCount } = policy as Record<string, unknown>
  if (typeof deadLetterTargetArn !== 'string') {
    return invalid('Redrive policy does not contain mandatory attribute: deadLetterTargetArn.')
  }
  if (maxReceiveCount === undefined) {
    return invalid('Redrive policy does not contain mandatory attribute: maxReceiveCount.')
  }
  const count = Number(maxReceiveCount)
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    return invalid(
      `Invalid value for maxReceiveCount: ${String(maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`,
    )
  }
  const target = store.getQueueByArn(deadLetterTargetArn)
  if (!target) return invalid('Dead letter target does not exist.')
  if (target.isFifo() !== fifo) {
    return invalid('Dead-letter queue must be same type of queue as the source.')
  }
  return undefined
}
