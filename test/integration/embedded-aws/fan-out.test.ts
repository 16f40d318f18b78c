import {
  CreateTopicCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns'
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { conformanceTargets, type RunningTarget } from '../../support/targets.ts'

describe.each(conformanceTargets)('SNS → SQS fan-out with filter policies on $name', (target) => {
  let running: RunningTarget
  let sns: SNSClient
  let sqs: SQSClient
  let topicArn: string
  const queues: Record<'placed' | 'orders' | 'everything', string> = {
    placed: '',
    orders: '',
    everything: '',
  }

  beforeAll(async () => {
    if (target.skip) return
    running = await target.start()
    sns = new SNSClient(emulatorClientConfig(running.endpoint))
    sqs = new SQSClient(emulatorClientConfig(running.endpoint))
    topicArn = (await sns.send(new CreateTopicCommand({ Name: 'app-events' }))).TopicArn!
    const policies = {
      placed: { eventType: ['order.placed'] },
      orders: { eventType: [{ prefix: 'order.' }] },
      everything: undefined,
    }
    for (const [name, policy] of Object.entries(policies) as [
      keyof typeof queues,
      object | undefined,
    ][]) {
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: `fan-out-${name}` })))
        .QueueUrl!
      const arn = (
        await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
        )
      ).Attributes!.QueueArn!
      const { SubscriptionArn } = await sns.send(
        new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: arn }),
      )
      if (policy) {
        await sns.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn,
            AttributeName: 'FilterPolicy',
            AttributeValue: JSON.stringify(policy),
          }),
        )
      }
      // 'placed' gets raw bodies; the others get the SNS envelope.
      if (name === 'placed') {
        await sns.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn,
            AttributeName: 'RawMessageDelivery',
            AttributeValue: 'true',
          }),
        )
      }
      queues[name] = url
    }
  }, 60_000)

  afterAll(async () => {
    await running?.stop()
  })

  async function publish(eventType: string, body: object) {
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify(body),
        MessageAttributes: { eventType: { DataType: 'String', StringValue: eventType } },
      }),
    )
  }

  async function drain(url: string) {
    const bodies: string[] = []
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
        }),
      )
      if (Messages.length === 0) return bodies
      bodies.push(...Messages.map((m) => m.Body!))
    }
  }

  it.skipIf(target.skip)(
    `delivers by exact and prefix match ${target.skip ? `(skipped: ${target.skip})` : ''}`,
    async () => {
      await publish('order.placed', { orderId: 'o-1' })
      await publish('order.cancelled', { orderId: 'o-1' })
      await publish('payment.processed', { paymentId: 'p-1' })

      const placed = await drain(queues.placed)
      const orders = await drain(queues.orders)
      const everything = await drain(queues.everything)

      // Raw delivery: the body is the published message itself.
      expect(placed.map((b) => JSON.parse(b))).toEqual([{ orderId: 'o-1' }])

      // Envelope delivery: the body is the SNS notification that wraps the message.
      const envelopes = orders.map((b) => JSON.parse(b))
      expect(envelopes.map((e) => e.Type)).toEqual(['Notification', 'Notification'])
      expect(envelopes.map((e) => e.TopicArn)).toEqual([topicArn, topicArn])
      expect(
        envelopes
          .map((e) => JSON.parse(e.Message))
          .sort((a, b) => (a.orderId < b.orderId ? -1 : 1)),
      ).toEqual([{ orderId: 'o-1' }, { orderId: 'o-1' }])
      expect(envelopes.map((e) => e.MessageAttributes.eventType.Value).sort()).toEqual([
        'order.cancelled',
        'order.placed',
      ])

      expect(everything).toHaveLength(3)
    },
  )
})
