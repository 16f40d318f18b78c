import { Template } from 'aws-cdk-lib/assertions'
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam'
import { describe, expect, it } from 'vitest'
import {
  EVENT_MESSAGE_ATTRIBUTES,
  eventMessageAttributes,
  isValidSelector,
  messageGroupIdOf,
  selects,
  splitSelectors,
} from '../../contracts/message-attributes.ts'
import { EventBus } from '../../lib/event-bus.ts'
import { freshStack, statementsOfRole } from './support.ts'

describe('EventBus', () => {
  it('is a standard SNS topic encrypted with a rotating customer-managed key', () => {
    const stack = freshStack()
    new EventBus(stack, 'Bus')
    const template = Template.fromStack(stack)
    const keys = template.findResources('AWS::KMS::Key')
    const [keyId] = Object.keys(keys)
    expect(keys[keyId!]!.Properties.EnableKeyRotation).toBe(true)
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    })
    const topic = Object.values(template.findResources('AWS::SNS::Topic'))[0]!
    expect(topic.Properties.FifoTopic).toBeUndefined()
  })

  it('denies every request that is not over TLS (enforceSSL)', () => {
    const stack = freshStack()
    new EventBus(stack, 'Bus')
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Deny',
            Action: 'sns:Publish',
            Principal: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    })
  })

  it('as FIFO, is a FIFO topic without content-based deduplication and names its group path', () => {
    const stack = freshStack()
    const bus = new EventBus(stack, 'Bus', { fifo: true, messageGroupIdPath: 'payload.orderId' })
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Topic', {
      FifoTopic: true,
      ContentBasedDeduplication: false,
    })
    expect(bus.publisherEnvironment()).toMatchObject({
      EVENT_MESSAGE_GROUP_ID_PATH: 'payload.orderId',
    })
  })

  it('grantPublish gives sns:Publish on the topic and only the key actions SNS needs', () => {
    const stack = freshStack()
    const bus = new EventBus(stack, 'Bus')
    const role = new Role(stack, 'Publisher', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    })
    bus.grantPublish(role)
    const template = Template.fromStack(stack)
    const roleId = stack.getLogicalId(role.node.defaultChild as never)
    const statements = statementsOfRole(template, roleId)
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['sns:Publish'],
        Resource: [{ Ref: stack.getLogicalId(bus.topic.node.defaultChild as never) }],
      },
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: [
          { 'Fn::GetAtt': [stack.getLogicalId(bus.key.node.defaultChild as never), 'Arn'] },
        ],
      },
    ])
  })

  it('rejects a FIFO bus without messageGroupIdPath', () => {
    expect(() => new EventBus(freshStack(), 'Bus', { fifo: true })).toThrow(
      /a FIFO bus needs messageGroupIdPath/,
    )
  })

  it('rejects messageGroupIdPath on a standard bus', () => {
    expect(
      () => new EventBus(freshStack(), 'Bus', { messageGroupIdPath: 'payload.orderId' }),
    ).toThrow(/messageGroupIdPath \('payload.orderId'\) only applies to a FIFO bus/)
  })

  it('rejects a messageGroupIdPath that is not a dotted property path', () => {
    expect(
      () => new EventBus(freshStack(), 'Bus', { fifo: true, messageGroupIdPath: 'payload..id' }),
    ).toThrow(/messageGroupIdPath must be a dotted property path .*got 'payload..id'/)
  })
})

describe('the message-attribute contract', () => {
  it('is eventType (String) and version (String), as the catalogue publisher sets them', () => {
    expect(EVENT_MESSAGE_ATTRIBUTES).toEqual({
      eventType: { name: 'eventType', dataType: 'String' },
      version: { name: 'version', dataType: 'String' },
    })
    expect(eventMessageAttributes({ eventType: 'order.placed', version: 2 })).toEqual({
      eventType: { DataType: 'String', StringValue: 'order.placed' },
      version: { DataType: 'String', StringValue: '2' },
    })
  })

  it('turns order.* into the prefix order. and keeps exact types', () => {
    expect(splitSelectors(['order.placed', 'order.*', 'order.placed', 'payment.*'])).toEqual({
      exact: ['order.placed'],
      prefixes: ['order.', 'payment.'],
    })
    expect(selects(['order.*'], 'order.cancelled')).toBe(true)
    expect(selects(['order.*'], 'orders.cancelled')).toBe(false)
    expect(selects(['order.placed'], 'order.placedx')).toBe(false)
  })

  it('accepts exact types and trailing .* prefixes only', () => {
    for (const good of ['order.placed', 'order.*', 'a.b.c.*', 'order_v2.placed-now']) {
      expect(isValidSelector(good), good).toBe(true)
    }
    for (const bad of ['', '*', 'order*', 'order.*.placed', '.order', 'order.', 'order placed']) {
      expect(isValidSelector(bad), bad).toBe(false)
    }
  })

  it('takes the FIFO message group from the event and names a missing one', () => {
    const event = { eventId: 'e1', payload: { orderId: 'o-1', n: 3 } }
    expect(messageGroupIdOf(event, 'payload.orderId')).toBe('o-1')
    expect(messageGroupIdOf(event, 'payload.n')).toBe('3')
    expect(() => messageGroupIdOf(event, 'payload.customerId')).toThrow(
      /no message group id at 'payload.customerId'/,
    )
    expect(() => messageGroupIdOf({ payload: null }, 'payload.orderId')).toThrow(
      /no message group id/,
    )
  })
})
