import type { SQSRecord } from 'aws-lambda'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  createEvent,
  defineEvent,
  type EventDefinition,
  OrderCancelledV1,
  OrderPlacedV1,
} from '../../../functions/catalogue/index.ts'
import { InvalidRecordError } from '../../../functions/runtime/index.ts'
import { parseRecord } from '../../../functions/runtime/parse-record.ts'
import { runtimeDefaults } from '../../../functions/runtime/runtime-defaults.ts'
import { TallyAddedV1 } from '../../support/tally.ts'
import { addedV1, addedV2, addedV3, TallyAddedV3 } from '../../support/tally-versions.ts'

const definitions = new Map<string, EventDefinition>([
  ['order.placed', OrderPlacedV1],
  ['order.cancelled', OrderCancelledV1],
])
const event = createEvent(
  OrderCancelledV1,
  { orderId: 'o-1', reason: 'changed mind' },
  { source: 'orders' },
)

function record(body: string, routing: Record<string, string> = {}): SQSRecord {
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
    messageAttributes: Object.fromEntries(
      Object.entries(routing).map(([name, value]) => [
        name,
        { dataType: 'String', stringValue: value },
      ]),
    ),
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
    expect(reasonFor(JSON.stringify({ ...event, version: 2 }))).toBe('unreachable-version')
    expect(reasonFor(JSON.stringify({ ...event, payload: { orderId: 'o-1' } }))).toBe('schema')
  })

  it('says what it got when the body is not a JSON object', () => {
    const messageFor = (body: string) => {
      try {
        parseRecord(record(body), definitions, 262_144)
      } catch (error) {
        return (error as InvalidRecordError).message
      }
      return 'parsed'
    }
    expect(messageFor('null')).toBe('event is not a JSON object (got null)')
    expect(messageFor('[1,2]')).toBe('event is not a JSON object (got an array)')
    expect(messageFor('5')).toBe('event is not a JSON object (got number)')
    expect(messageFor('"text"')).toBe('event is not a JSON object (got string)')
  })

  it('takes a body of exactly maxBodyBytes, refuses one byte more', () => {
    const body = JSON.stringify(event)
    const bytes = Buffer.byteLength(body)
    expect(reasonFor(body, bytes)).toBe('parsed')
    expect(reasonFor(body, bytes - 1)).toBe('oversize')
  })

  it('unwraps only a whole SNS notification: Type Notification, a string Message and a TopicArn', () => {
    const notification = { Type: 'Notification', TopicArn: 't', Message: JSON.stringify(event) }
    const { TopicArn: _, ...noTopic } = notification
    // Not unwrapped: read as the event itself, which has no eventId.
    expect(reasonFor(JSON.stringify(noTopic))).toBe('missing-id')
    expect(reasonFor(JSON.stringify({ ...notification, Type: 'SubscriptionConfirmation' }))).toBe(
      'missing-id',
    )
    expect(reasonFor(JSON.stringify({ ...notification, Message: event }))).toBe('missing-id')
    expect(reasonFor(JSON.stringify(notification))).toBe('parsed')
  })

  it('refuses nesting deeper than maxJsonDepth before parsing; brackets in strings do not count', () => {
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`
    const withExtra = (extra: string) => JSON.stringify(event).replace(/}$/, `,"extra":${extra}}`)
    // The envelope is one level: the extra value may nest 63 more.
    expect(reasonFor(withExtra(nested(runtimeDefaults.maxJsonDepth - 1)))).toBe('parsed')
    expect(reasonFor(withExtra(nested(runtimeDefaults.maxJsonDepth)))).toBe('too-deep')
    expect(reasonFor(withExtra(JSON.stringify(`${'['.repeat(100)}\\"{`)))).toBe('parsed')
    const wrapped = JSON.stringify({
      Type: 'Notification',
      TopicArn: 't',
      Message: withExtra(nested(runtimeDefaults.maxJsonDepth)),
    })
    expect(reasonFor(wrapped)).toBe('too-deep')
  })

  it('refuses routing attributes that contradict the body, from SQS or the SNS notification', () => {
    const matching = { eventType: 'order.cancelled', version: '1' }
    expect(
      parseRecord(record(JSON.stringify(event), matching), definitions, 262_144).event,
    ).toEqual(event)
    const mismatch = (routing: Record<string, string>) => {
      try {
        parseRecord(record(JSON.stringify(event), routing), definitions, 262_144)
      } catch (error) {
        return error as InvalidRecordError
      }
      throw new Error('parsed')
    }
    expect(mismatch({ eventType: 'order.placed' })).toMatchObject({
      reason: 'attribute-mismatch',
      message: expect.stringContaining(
        "its eventType attribute is 'order.placed' but its body's eventType is 'order.cancelled'",
      ),
    })
    expect(mismatch({ ...matching, version: '2' }).message).toContain(
      "its version attribute is '2' but its body's version is 1",
    )
    const notification = (attributes: Record<string, string>) =>
      JSON.stringify({
        Type: 'Notification',
        TopicArn: 't',
        Message: JSON.stringify(event),
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([name, value]) => [
            name,
            { Type: 'String', Value: value },
          ]),
        ),
      })
    expect(reasonFor(notification(matching))).toBe('parsed')
    expect(reasonFor(notification({ eventType: 'order.placed', version: '1' }))).toBe(
      'attribute-mismatch',
    )
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

describe('parseRecord as a tolerant reader', () => {
  it('ignores fields it does not know, in the envelope and in the payload', () => {
    const extended = {
      ...event,
      traceparent: '00-abc-def-01',
      payload: { ...event.payload, refundTo: 'card', notes: { any: ['shape'] } },
    }
    const parsed = parseRecord(record(JSON.stringify(extended)), definitions, 262_144)
    // The handler sees what its schema declares, nothing it could come to depend on unseen.
    expect(parsed.event).toEqual(event)
  })
})

describe('parseRecord of an older version (tolerant reader)', () => {
  const tally = new Map<string, EventDefinition>([['tally.added', TallyAddedV3]])
  const parse = (body: unknown, definitions = tally) =>
    parseRecord(record(JSON.stringify(body)), definitions, 262_144)
  const failure = (body: unknown, definitions = tally) => {
    try {
      parse(body, definitions)
    } catch (error) {
      return error as InvalidRecordError
    }
    throw new Error('parsed')
  }

  it('upcasts a version on the definition’s chain before the handler sees it', () => {
    const v1 = addedV1(2, 'e-1')
    expect(parse(v1).event).toEqual({ ...v1, version: 3, payload: { quantity: 2 } })
    expect(parse(addedV2(1, 'dozen', 'e-2')).event.payload).toEqual({ quantity: 12 })
  })

  it('names the versions it reads when one is not on the chain', () => {
    expect(failure({ ...addedV3(1, 'e-3'), version: 4 })).toMatchObject({
      reason: 'unreachable-version',
      message:
        'event e-3: tally.added v4 is newer than the v3 this reader takes, and nothing downcasts: move the reader to v4 (the versions it declares), then redrive what it dead-lettered',
    })
  })

  it('names the chain when an older version has no upcaster to the one it reads', () => {
    const cut = defineEvent({
      type: 'tally.added',
      version: 2,
      payload: z.object({ quantity: z.int().positive() }),
    })
    expect(failure(addedV1(1, 'e-6'), new Map([['tally.added', cut]]))).toMatchObject({
      reason: 'unreachable-version',
      message:
        'event e-6: tally.added v1 cannot be upcast to v2: this reader takes v2 (its upcast chain); declare an upcastFrom that reads v1',
    })
  })

  it('refuses an older event invalid at its own version, or one whose upcast fails', () => {
    expect(failure({ ...addedV1(1, 'e-4'), payload: { amount: 'x' } })).toMatchObject({
      reason: 'schema',
      message: expect.stringMatching(/^event e-4 \(tally\.added v1\): payload\.amount/),
    })
    const strict = defineEvent({
      type: 'tally.added',
      version: 2,
      payload: z.object({ amount: z.int().max(1) }),
      upcastFrom: { from: TallyAddedV1, upcast: (v1) => v1.payload },
    })
    const error = failure(addedV1(5, 'e-5'), new Map([['tally.added', strict]]))
    expect(error).toMatchObject({
      reason: 'schema',
      message: expect.stringMatching(
        /^tally\.added event e-5: the upcast from v1 to v2 failed: payload\.amount/,
      ),
    })
  })
})
