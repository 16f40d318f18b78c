import { DeleteMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs'
import type { SQSRecord } from 'aws-lambda'
import { deadLetterAttributes, type FailureMetadata } from './dead-letter-attributes.ts'

/**
 * Sends the record to the DLQ with its original body and attributes plus why it failed,
 * then deletes it from its queue: only after the DLQ accepted it, so it is never lost.
 * FIFO records keep their message group. Throws when the DLQ refused it; a failed delete
 * is returned instead, since the caller must then still not retry the record (Lambda
 * deletes what the batch response does not name).
 */
export async function deadLetter(
  sqs: SQSClient,
  queues: { readonly queueUrl: string; readonly dlqUrl: string },
  record: SQSRecord,
  failure: FailureMetadata,
): Promise<{ readonly deleteError?: unknown }> {
  const groupId = record.attributes.MessageGroupId
  const traceHeader = record.attributes.AWSTraceHeader
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queues.dlqUrl,
      MessageBody: record.body,
      MessageAttributes: deadLetterAttributes(record.messageAttributes, failure),
      ...(traceHeader
        ? {
            MessageSystemAttributes: {
              AWSTraceHeader: { DataType: 'String', StringValue: traceHeader },
            },
          }
        : {}),
      ...(groupId
        ? {
            MessageGroupId: groupId,
            MessageDeduplicationId: record.attributes.MessageDeduplicationId ?? record.messageId,
          }
        : {}),
    }),
  )
  try {
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queues.queueUrl, ReceiptHandle: record.receiptHandle }),
    )
    return {}
  } catch (deleteError) {
    return { deleteError }
  }
}
