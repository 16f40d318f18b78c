import { SubscribeCommand } from '@aws-sdk/client-sns'
import { booleanAttribute, jsonAttribute, type ResourceProvider } from '../resource-provider.ts'

/** AWS::SNS::Subscription: `Ref` is the subscription ARN. */
export const snsSubscription: ResourceProvider = {
  type: 'AWS::SNS::Subscription',
  appliedProperties: [
    'TopicArn',
    'Protocol',
    'Endpoint',
    'FilterPolicy',
    'FilterPolicyScope',
    'RawMessageDelivery',
    'RedrivePolicy',
    'DeliveryPolicy',
  ],
  async create({ properties: p, clients }) {
    const attributes: Record<string, string> = {}
    if (p.FilterPolicy !== undefined) attributes.FilterPolicy = jsonAttribute(p.FilterPolicy)
    if (p.FilterPolicyScope !== undefined)
      attributes.FilterPolicyScope = String(p.FilterPolicyScope)
    if (p.RawMessageDelivery !== undefined) {
      attributes.RawMessageDelivery = booleanAttribute(p.RawMessageDelivery)
    }
    if (p.RedrivePolicy !== undefined) attributes.RedrivePolicy = jsonAttribute(p.RedrivePolicy)
    if (p.DeliveryPolicy !== undefined) attributes.DeliveryPolicy = jsonAttribute(p.DeliveryPolicy)
    const { SubscriptionArn } = await clients.sns.send(
      new SubscribeCommand({
        TopicArn: String(p.TopicArn),
        Protocol: String(p.Protocol),
        Endpoint: String(p.Endpoint),
        Attributes: attributes,
        ReturnSubscriptionArn: true,
      }),
    )
    if (!SubscriptionArn) throw new Error('Subscribe returned no SubscriptionArn')
    return { physicalId: SubscriptionArn, attributes: {} }
  },
}
