import type { SQSRecord } from 'aws-lambda'
import { describe, expect, it } from 'vitest'
import { deadLetterMessage } from '../../../functions/runtime/dead-letter.ts'
import type { FailureMetadata } from '../../../functions/runtime/dead-letter-attributes.ts'

const failure: FailureMetadata = {
  errorName: 'PermanentError',
  errorMessage: 'no such sku',
  consumer: 'inventory',
  attempts: 1,
  firstFailureAt: 1_777_000_000,
  lastFailureAt: 1_777_000_000,
}

function record(attributes: Partial<SQSRecord['attributes']>): SQSRecord {
  return {
    messageId: 'm-2',
    receiptHandle: 'r',
    body: '{"eventId":"e-1"}',
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 's',
      ApproximateFirstReceiveTimestamp: '0',
      ...attributes,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  }
}

describe('deadLetterMessage', () => {
  it('sends a plain record to a standard DLQ with neither group nor deduplication id', () => {
    const message = deadLetterMessage('https://sqs/000000000000/dlq', record({}), failure)
    expect(message).toMatchObject({
      QueueUrl: 'https://sqs/000000000000/dlq',
      MessageBody: '{"eventId":"e-1"}',
    })
    expect(message).not.toHaveProperty('MessageGroupId')
    expect(message).not.toHaveProperty('MessageDeduplicationId')
  })

  it('keeps a fair queue record’s group but sets no deduplication id, which a standard DLQ refuses', () => {
    const message = deadLetterMessage(
      'https://sqs/000000000000/dlq',
      record({ MessageGroupId: 'tenant-1' }),
      failure,
    )
    expect(message.MessageGroupId).toBe('tenant-1')
    expect(message).not.toHaveProperty('MessageDeduplicationId')
  })

  it('deduplicates a FIFO DLQ copy by the message id, not the producer’s deduplication id', () => {
    // A redriven copy keeps its producer deduplication id; reusing it would let the DLQ drop
    // the copy as a duplicate of its first dead-lettering within five minutes.
    const message = deadLetterMessage(
      'https://sqs/000000000000/dlq.fifo',
      record({ MessageGroupId: 'order-1', MessageDeduplicationId: 'producer-dedup' }),
      failure,
    )
    expect(message).toMatchObject({ MessageGroupId: 'order-1', MessageDeduplicationId: 'm-2' })
  })

  it('keeps the X-Ray trace header as a system attribute', () => {
    const message = deadLetterMessage(
      'https://sqs/dlq',
      record({ AWSTraceHeader: 'Root=1-abc' }),
      failure,
    )
    expect(message.MessageSystemAttributes).toEqual({
      AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-abc' },
    })
  })
})
