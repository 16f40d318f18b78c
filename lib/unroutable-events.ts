import { Duration, Validations } from 'aws-cdk-lib'
import { SubscriptionFilter } from 'aws-cdk-lib/aws-sns'
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions'
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs'
import { Construct } from 'constructs'
import { type EventSelector, unroutableFilterPolicy } from '../contracts/message-attributes.ts'
import type { EventBus } from './event-bus.ts'

/** Props of {@link UnroutableEvents}. */
export interface UnroutableEventsProps {
  /** The bus whose unroutable events to keep. */
  readonly bus: EventBus
  /** Every event type (or `prefix.*`) some consumer of the bus selects. */
  readonly selected: readonly EventSelector[]
}

/**
 * Where the bus keeps what no consumer selects: SNS drops a message that no subscription's
 * filter policy matches, so this queue subscribes with the policy no consumer has (an
 * `eventType` none of them selects, or none at all) and keeps such events for 14 days, for
 * `pipeline dlq show unroutable` and a redrive once they can be routed. A monitoring alarm
 * fires when it holds one.
 *
 * Exact types are left out by `anything-but`; an event of a type a consumer selects only by
 * a prefix is kept here too (a filter policy cannot say "none of these prefixes" beside a
 * list): kept twice rather than lost.
 */
export class UnroutableEvents extends Construct {
  /** The queue that keeps them. */
  readonly queue: Queue
  /** Where SNS puts what it could not deliver to {@link queue}. */
  readonly deliveryDeadLetterQueue: Queue

  constructor(scope: Construct, id: string, props: UnroutableEventsProps) {
    super(scope, id)
    this.queue = new Queue(this, 'Queue', {
      fifo: props.bus.fifo || undefined,
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    })
    this.deliveryDeadLetterQueue = new Queue(this, 'DeliveryDeadLetterQueue', {
      fifo: props.bus.fifo || undefined,
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    })
    props.bus.topic.addSubscription(
      new SqsSubscription(this.queue, {
        rawMessageDelivery: true,
        deadLetterQueue: this.deliveryDeadLetterQueue,
        filterPolicy: filterPolicyOf(props.selected),
      }),
    )
    for (const queue of [this.queue, this.deliveryDeadLetterQueue]) {
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SQS3',
        reason:
          'Nothing consumes this queue: it is the end of the line for events no consumer selects (or SNS could not deliver there), kept for inspection and redrive, so a DLQ of its own would never receive anything.',
      })
      Validations.of(queue).acknowledge({
        id: 'Serverless::Serverless-SQSRedrivePolicy',
        reason:
          'Nothing consumes this queue (it keeps unroutable events for inspection and redrive), so no message is ever received often enough to need a redrive policy.',
      })
    }
  }
}

/** {@link unroutableFilterPolicy} as CDK's filter policy. */
function filterPolicyOf(
  selected: readonly EventSelector[],
): Record<string, SubscriptionFilter> | undefined {
  const policy = unroutableFilterPolicy(selected)
  // CDK's SubscriptionFilter has no $or; its conditions are written as given.
  return policy && { $or: new SubscriptionFilter([...policy.$or]) }
}
