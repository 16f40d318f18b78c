import { describe, expect, it } from 'vitest'
import {
  jsonToQueryError,
  jsonToQueryResponse,
  queryToJsonRequest,
} from '../../../local/sns-sqs/sqs-query-protocol.ts'

describe('SQS Query protocol → JSON protocol', () => {
  it('turns flattened maps and lists into JSON members', () => {
    const form = new URLSearchParams({
      Action: 'SendMessageBatch',
      Version: '2012-11-05',
      QueueUrl: 'http://127.0.0.1:4566/000000000000/q',
      'SendMessageBatchRequestEntry.2.Id': 'b',
      'SendMessageBatchRequestEntry.2.MessageBody': 'second',
      'SendMessageBatchRequestEntry.1.Id': 'a',
      'SendMessageBatchRequestEntry.1.MessageBody': 'first',
      'SendMessageBatchRequestEntry.1.DelaySeconds': '5',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Name': 'eventType',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType': 'String',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue': 'order.placed',
    })
    expect(queryToJsonRequest(form, '/', '127.0.0.1:4566')).toEqual({
      action: 'SendMessageBatch',
      body: {
        QueueUrl: 'http://127.0.0.1:4566/000000000000/q',
        Entries: [
          {
            Id: 'a',
            MessageBody: 'first',
            DelaySeconds: 5,
            MessageAttributes: { eventType: { DataType: 'String', StringValue: 'order.placed' } },
          },
          { Id: 'b', MessageBody: 'second' },
        ],
      },
    })
  })

  it('reads queue attributes, attribute names and the queue URL from the path', () => {
    const form = new URLSearchParams({
      Action: 'ReceiveMessage',
      'AttributeName.1': 'All',
      'MessageAttributeName.1': 'eventType',
      MaxNumberOfMessages: '10',
    })
    expect(queryToJsonRequest(form, '/000000000000/q', '127.0.0.1:4566').body).toEqual({
      AttributeNames: ['All'],
      MessageAttributeNames: ['eventType'],
      MaxNumberOfMessages: 10,
      QueueUrl: 'http://127.0.0.1:4566/000000000000/q',
    })
  })

  it('does not let a hostile parameter name reach an object prototype', () => {
    const form = new URLSearchParams({ Action: 'ListQueues', '__proto__.polluted': 'yes' })
    queryToJsonRequest(form, '/', 'h')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('rejects a request without an Action', () => {
    expect(() => queryToJsonRequest(new URLSearchParams('QueueName=q'), '/', 'h')).toThrow(/Action/)
  })
})

describe('JSON protocol → SQS Query protocol', () => {
  it('writes messages with their attributes as flattened XML', () => {
    const xml = jsonToQueryResponse(
      'ReceiveMessage',
      {
        Messages: [
          {
            MessageId: 'm-1',
            Body: '<b>&',
            Attributes: { ApproximateReceiveCount: '1' },
            MessageAttributes: { eventType: { DataType: 'String', StringValue: 'order.placed' } },
          },
        ],
      },
      'r-1',
    )
    expect(xml).toContain(
      '<ReceiveMessageResult><Message><MessageId>m-1</MessageId><Body>&lt;b&gt;&amp;</Body>' +
        '<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>' +
        '<MessageAttribute><Name>eventType</Name><Value><DataType>String</DataType><StringValue>order.placed</StringValue></Value></MessageAttribute>' +
        '</Message></ReceiveMessageResult>',
    )
  })

  it('names batch result entries after the action', () => {
    const xml = jsonToQueryResponse(
      'DeleteMessageBatch',
      {
        Successful: [{ Id: 'a' }],
        Failed: [{ Id: 'b', Code: 'ReceiptHandleIsInvalid', SenderFault: true }],
      },
      'r',
    )
    expect(xml).toContain(
      '<DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry>',
    )
    expect(xml).toContain('<BatchResultErrorEntry><Id>b</Id><Code>ReceiptHandleIsInvalid</Code>')
  })

  it('keeps the legacy error code from x-amzn-query-error', () => {
    const xml = jsonToQueryError(
      400,
      {
        __type: 'com.amazonaws.sqs#QueueDoesNotExist',
        message: 'The specified queue does not exist.',
      },
      'AWS.SimpleQueueService.NonExistentQueue;Sender',
      'r',
    )
    expect(xml).toContain('<Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code>')
  })
})
