import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns'
import { generatedName, nameLimits } from '../physical-names.ts'
import { booleanAttribute, type ResourceProvider } from '../resource-provider.ts'

/** AWS::SNS::Topic: `Ref` is the topic ARN. */
export const snsTopic: ResourceProvider = {
  type: 'AWS::SNS::Topic',
  appliedProperties: [
    'TopicName',
    'DisplayName',
    'FifoTopic',
    'ContentBasedDeduplication',
    'Subscription',
  ],
  async create({ logicalId, properties: p, environment, clients }) {
    const fifo = p.FifoTopic === true || p.FifoTopic === 'true'
    const name =
      (p.TopicName as string | undefined) ??
      generatedName(environment.stackName, logicalId, nameLimits.topic, fifo ? '.fifo' : '')
    const attributes: Record<string, string> = {}
    if (p.DisplayName !== undefined) attributes.DisplayName = String(p.DisplayName)
    if (fifo) attributes.FifoTopic = 'true'
    if (p.ContentBasedDeduplication !== undefined) {
      attributes.ContentBasedDeduplication = booleanAttribute(p.ContentBasedDeduplication)
    }
    const { TopicArn } = await clients.sns.send(
      new CreateTopicCommand({ Name: name, Attributes: attributes }),
    )
    if (!TopicArn) throw new Error('CreateTopic returned no TopicArn')
    // Inline subscriptions, `Subscription: [{ Protocol, Endpoint }]`.
    for (const subscription of (p.Subscription as { Protocol: string; Endpoint: string }[]) ?? []) {
      await clients.sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: subscription.Protocol,
          Endpoint: subscription.Endpoint,
        }),
      )
    }
    return { physicalId: TopicArn, attributes: { TopicArn, TopicName: name } }
  },
}
