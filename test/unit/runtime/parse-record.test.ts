import type { SQSRecord } from 'aws-lambda'
import { describe, expect, it } from 'vitest'
import {
  createEvent,
  type EventDefinition,
  OrderCancelledV1,
  OrderPlacedV1,
} from '../../../functions/catalogue/index.ts'
import { InvalidRecordError } from '../../../functions/runtime/index.ts'
import { parseRecord } from '../../../functions/runtime/parse-record.ts'

const definitions = new Map<string, EventDefinition>([
  ['order.placed', OrderPlacedV1],
  ['order.cancelled', OrderCancelledV1],
])
const event = createEvent(
  OrderCancelledV1,
  { orderId: 'o-1', reason: 'changed mind' },
  { source: 'orders' },
)

function record(body: string): SQSRecord {
  return {
    messageId: 'm-1',
    receiptHandle: 'r',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 's',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  }
}

function reasonFor(body: string, maxBodyBytes = 262_144) {
  try {
    parseRecord(record(body), definitions, maxBodyBytes)
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRecordError)
    return (error as InvalidRecordError).reason
  }
  return 'parsed'
}

describe('parseRecord', () => {
  it('reads raw delivery and SNS notifications alike', () => {
    expect(parseRecord(record(JSON.stringify(event)), definitions, 262_144)).toMatchObject({
      event,
      delivery: 'raw',
    })
    const notification = JSON.stringify({
      Type: 'Notification',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:t',
      Message: JSON.stringify(event),
    })
    expect(parseRecord(record(notification), definitions, 262_144)).toMatchObject({
      event,
      delivery: 'sns',
    })
  })

  it('names the reason for each kind of bad record', () => {
    expect(reasonFor(JSON.stringify(event), 10)).toBe('oversize')
    expect(reasonFor('{"eventId":')).toBe('malformed-json')
    expect(reasonFor('[1,2]')).toBe('schema')
    expect(reasonFor(JSON.stringify({ ...event, eventId: '' }))).toBe('missing-id')
    expect(reasonFor(JSON.stringify({ ...event, eventType: undefined }))).toBe('missing-id')
    expect(reasonFor(JSON.stringify({ ...event, timestamp: 'yesterday' }))).toBe('schema')
    expect(reasonFor(JSON.stringify({ ...event, eventType: 'order.shipped' }))).toBe('unknown-type')
    expect(reasonFor(JSON.stringify({ ...event, version: 2 }))).toBe('unknown-version')
    expect(reasonFor(JSON.stringify({ ...event, payload: { orderId: 'o-1' } }))).toBe('schema')
  })

  it('refuses prototype-polluting keys at any depth, also inside an SNS notification', () => {
    const proto = JSON.stringify(event).replace('"orderId"', '"__proto__":{"x":1},"orderId"')
    expect(reasonFor(proto)).toBe('forbidden-key')
    const ctor = JSON.stringify({ ...event, payload: { constructor: { prototype: { x: 1 } } } })
    expect(reasonFor(ctor)).toBe('forbidden-key')
    const wrapped = JSON.stringify({ Type: 'Notification', TopicArn: 't', Message: proto })
    expect(reasonFor(wrapped)).toBe('forbidden-key')
    // A harmless word is not a reason to refuse.
    const fine = createEvent(
      OrderCancelledV1,
      { orderId: 'o', reason: 'prototype was broken' },
      { source: 'x' },
    )
    expect(reasonFor(JSON.stringify(fine))).toBe('parsed')
  })
})
