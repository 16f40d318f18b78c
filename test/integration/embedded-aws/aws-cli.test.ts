import { describe, expect, it } from 'vitest'
import { awsCli, awsCliMissing, awsClis } from '../../support/aws-cli.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'

interface Received {
  Messages?: { Body: string; MessageAttributes?: Record<string, { StringValue: string }> }[]
}

describe('the real aws CLI against the embedded endpoint', () => {
  const embedded = useEmbeddedAws()

  it.skipIf(awsCliMissing)(
    `is installed ${awsCliMissing ? `(skipped: ${awsCliMissing})` : ''}`,
    () => {
      expect(awsClis.length).toBeGreaterThan(0)
    },
  )

  // Each installed CLI: awscli 1.34+/2.15+ speak SQS's JSON protocol, Debian's 2.9 its Query protocol.
  it.each(awsClis)(
    '$version ($command) creates a topic and a queue, subscribes, publishes and receives',
    async ({ command, version }) => {
      const aws = (...args: string[]) => awsCli(embedded.endpoint, args, command)
      const suffix = version.replace(/\W/g, '-')
      const { TopicArn } = (await aws('sns', 'create-topic', '--name', `events-${suffix}`)) as {
        TopicArn: string
      }
      const { QueueUrl } = (await aws(
        'sqs',
        'create-queue',
        '--queue-name',
        `inbox-${suffix}`,
      )) as {
        QueueUrl: string
      }
      expect(QueueUrl.startsWith(embedded.endpoint)).toBe(true)
      const { Attributes } = (await aws(
        'sqs',
        'get-queue-attributes',
        '--queue-url',
        QueueUrl,
        '--attribute-names',
        'QueueArn',
      )) as { Attributes: { QueueArn: string } }
      await aws(
        'sns',
        'subscribe',
        '--topic-arn',
        TopicArn,
        '--protocol',
        'sqs',
        '--notification-endpoint',
        Attributes.QueueArn,
        '--attributes',
        'RawMessageDelivery=true',
      )
      await aws(
        'sns',
        'publish',
        '--topic-arn',
        TopicArn,
        '--message',
        '{"orderId":"o-cli"}',
        '--message-attributes',
        'eventType={DataType=String,StringValue=order.placed}',
      )
      const received = (await aws(
        'sqs',
        'receive-message',
        '--queue-url',
        QueueUrl,
        '--message-attribute-names',
        'All',
        '--wait-time-seconds',
        '1',
      )) as Received
      expect(received.Messages?.map((m) => JSON.parse(m.Body))).toEqual([{ orderId: 'o-cli' }])
      expect(received.Messages?.[0]?.MessageAttributes?.eventType?.StringValue).toBe('order.placed')
    },
  )
})
