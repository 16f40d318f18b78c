import { RemovalPolicy } from 'aws-cdk-lib'
import { Grant, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam'
import { Key } from 'aws-cdk-lib/aws-kms'
import { Topic } from 'aws-cdk-lib/aws-sns'
import { Construct } from 'constructs'
import { PUBLISHER_ENVIRONMENT } from '../contracts/environment.ts'
import { EVENT_MESSAGE_ATTRIBUTES } from '../contracts/message-attributes.ts'
import type { EventCatalogue } from './event-catalogue.ts'
import { validateProps } from './validation.ts'

/** Props of an {@link EventBus}. */
export interface EventBusProps {
  /**
   * Make the topic FIFO (ordered, deduplicated delivery within a message group). Every
   * consumer queue of a FIFO bus is FIFO too.
   * @default false
   */
  readonly fifo?: boolean
  /**
   * For a FIFO bus: the dotted path into the event envelope whose value is the
   * MessageGroupId, e.g. `payload.orderId`. Publisher functions get it as
   * `EVENT_MESSAGE_GROUP_ID_PATH` from {@link EventBus.publisherEnvironment}. Only valid
   * with `fifo`.
   * @default - required when `fifo` is true
   */
  readonly messageGroupIdPath?: string
  /**
   * A display name for the topic.
   * @default - none
   */
  readonly displayName?: string
  /**
   * What happens to the topic's KMS key when it leaves the stack. A deleted key is kept
   * pending deletion for 30 days (CDK's default pending window) before it is gone.
   * @default RemovalPolicy.RETAIN
   */
  readonly keyRemovalPolicy?: RemovalPolicy
  /**
   * The event types and versions that may be published and subscribed to. A consumer of
   * this bus that subscribes to a type or version it lacks fails synth, naming both.
   * @default - none: subscriptions are not checked against a catalogue
   */
  readonly catalogue?: EventCatalogue
}

/**
 * The application event bus: one SNS topic that publishers put events on and every
 * consumer subscribes to with a filter policy on the `eventType` attribute.
 *
 * The topic only accepts requests over TLS (enforceSSL) and is encrypted at rest with a
 * customer-managed KMS key with rotation, so that {@link grantPublish} can give exactly the
 * key actions a publisher needs. Publishers set the message attributes in
 * {@link EVENT_MESSAGE_ATTRIBUTES} (`eventType` and `version`, both String). On a FIFO bus
 * the MessageGroupId is taken from the event at {@link messageGroupIdPath} and the
 * MessageDeduplicationId is the event's `eventId`.
 */
export class EventBus extends Construct {
  /** The SNS topic. */
  readonly topic: Topic
  /** The KMS key that encrypts the topic. */
  readonly key: Key
  /** True when the topic is FIFO. */
  readonly fifo: boolean
  /** For a FIFO bus, the envelope path of the MessageGroupId; otherwise undefined. */
  readonly messageGroupIdPath: string | undefined
  /** What consumers may subscribe to, when the bus was given a catalogue. */
  readonly catalogue: EventCatalogue | undefined
  /** The attribute contract that publishers set and filter policies match. */
  readonly messageAttributes = EVENT_MESSAGE_ATTRIBUTES

  constructor(scope: Construct, id: string, props: EventBusProps = {}) {
    super(scope, id)
    const fifo = props.fifo ?? false
    this.catalogue = props.catalogue
    validateProps(this, [
      {
        failed: fifo && !props.messageGroupIdPath,
        message:
          'a FIFO bus needs messageGroupIdPath, the envelope path of the MessageGroupId (e.g. payload.orderId)',
      },
      {
        failed: !fifo && props.messageGroupIdPath !== undefined,
        message: `messageGroupIdPath ('${props.messageGroupIdPath}') only applies to a FIFO bus; set fifo: true or remove it`,
      },
      {
        failed:
          props.messageGroupIdPath !== undefined &&
          !/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(props.messageGroupIdPath),
        message: `messageGroupIdPath must be a dotted property path such as payload.orderId (got '${props.messageGroupIdPath}')`,
      },
    ])
    this.fifo = fifo
    this.messageGroupIdPath = props.messageGroupIdPath
    this.key = new Key(this, 'Key', {
      enableKeyRotation: true,
      description: `Encrypts the event bus topic ${this.node.path}`,
      removalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.RETAIN,
    })
    this.topic = new Topic(this, 'Topic', {
      // Left out entirely for a standard topic rather than synthesized as false.
      fifo: fifo || undefined,
      // Deduplication is by the event's eventId (MessageDeduplicationId), not the body.
      contentBasedDeduplication: fifo ? false : undefined,
      masterKey: this.key,
      enforceSSL: true,
      displayName: props.displayName,
    })
  }

  /** The topic ARN. */
  get topicArn(): string {
    return this.topic.topicArn
  }

  /**
   * Lets a principal publish events and nothing else: `sns:Publish` on this topic (which
   * also authorizes PublishBatch), and `kms:GenerateDataKey` and `kms:Decrypt` on the
   * topic's key, which SNS needs to encrypt what the principal publishes.
   */
  grantPublish(grantee: IGrantable): Grant {
    const grant = Grant.addToPrincipal({
      grantee,
      actions: ['sns:Publish'],
      resourceArns: [this.topic.topicArn],
    })
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
      }),
    )
    return grant
  }

  /**
   * The environment a publisher function needs: `EVENT_TOPIC_ARN`, and on a FIFO bus
   * `EVENT_MESSAGE_GROUP_ID_PATH`.
   */
  publisherEnvironment(): Record<string, string> {
    return {
      [PUBLISHER_ENVIRONMENT.topicArn]: this.topic.topicArn,
      ...(this.messageGroupIdPath
        ? { [PUBLISHER_ENVIRONMENT.messageGroupIdPath]: this.messageGroupIdPath }
        : {}),
    }
  }
}
