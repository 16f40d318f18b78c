import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs'
import { generatedName, nameLimits } from '../physical-names.ts'
import { booleanAttribute, jsonAttribute, type ResourceProvider } from '../resource-provider.ts'

const numericAttributes = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
] as const

/** AWS::SQS::Queue: `Ref` is the queue URL; `Arn`, `QueueName`, `QueueUrl` attributes. */
export const sqsQueue: ResourceProvider = {
  type: 'AWS::SQS::Queue',
  appliedProperties: [
    'QueueName',
    ...numericAttributes,
    'RedrivePolicy',
    'RedriveAllowPolicy',
    'FifoQueue',
    'ContentBasedDeduplication',
    'DeduplicationScope',
    'FifoThroughputLimit',
  ],
  async create({ logicalId, properties: p, environment, clients }) {
    const fifo = p.FifoQueue === true || p.FifoQueue === 'true'
    const name =
      (p.QueueName as string | undefined) ??
      generatedName(environment.stackName, logicalId, nameLimits.queue, fifo ? '.fifo' : '')
    const attributes: Record<string, string> = {}
    for (const key of numericAttributes) {
      if (p[key] !== undefined) attributes[key] = String(p[key])
    }
    if (p.RedrivePolicy !== undefined) attributes.RedrivePolicy = jsonAttribute(p.RedrivePolicy)
    if (p.RedriveAllowPolicy !== undefined) {
      attributes.RedriveAllowPolicy = jsonAttribute(p.RedriveAllowPolicy)
    }
    if (fifo) attributes.FifoQueue = 'true'
    if (p.ContentBasedDeduplication !== undefined) {
      attributes.ContentBasedDeduplication = booleanAttribute(p.ContentBasedDeduplication)
    }
    for (const key of ['DeduplicationScope', 'FifoThroughputLimit'] as const) {
      if (p[key] !== undefined) attributes[key] = String(p[key])
    }
    const { QueueUrl } = await clients.sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
    )
    if (!QueueUrl) throw new Error('CreateQueue returned no QueueUrl')
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    )
    const arn = Attributes?.QueueArn
    if (!arn) throw new Error('GetQueueAttributes returned no QueueArn')
    return { physicalId: QueueUrl, attributes: { Arn: arn, QueueName: name, QueueUrl } }
  },
}
