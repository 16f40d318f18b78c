import type { SendMessageCommandInput, SQSClient } from '@aws-sdk/client-sqs'
import type { SQSRecord } from 'aws-lambda'
import { deadLetterAttributes, type FailureMetadata } from './dead-letter-attributes.ts'
import { retryTransient } from './retry-transient.ts'
import { sqsModule } from './sqs-module.ts'

/**
 * Sends the record to the DLQ with its original body and attributes plus why it failed,
 * then deletes it from its queue: only after the DLQ accepted it, so it is never lost.
 * Throws when the DLQ refused it; a failed delete
 * is returned instead, since the caller must then still not retry the record (Lambda
 * deletes what the batch response does not name).
 */
export async function deadLetter(
  sqs: SQSClient,
  queues: { readonly queueUrl: string; readonly dlqUrl: string },
  record: SQSRecord,
  failure: FailureMetadata,
): Promise<{ readonly deleteError?: unknown }> {
  // Tried again while SQS throttles or fails: left to the queue's redrive, the record would
  // reach the DLQ without its failure metadata. A send whose reply was lost may leave a copy.
  const { SendMessageCommand, DeleteMessageCommand } = await sqsModule()
  await retryTransient(() =>
    sqs.send(new SendMessageCommand(deadLetterMessage(queues.dlqUrl, record, failure))),
  )
  try {
    await retryTransient(() =>
      sqs.send(
        new DeleteMessageCommand({
          QueueUrl: queues.queueUrl,
          ReceiptHandle: record.receiptHandle,
        }),
      ),
    )
    return {}
  } catch (deleteError) {
    return { deleteError }
  }
}

/**
 * The DLQ copy of a record. A message group id is kept (FIFO queues, and standard fair
 * queues, which take one too). A deduplication id is set only for a FIFO DLQ, where SQS
 * requires one and refuses it elsewhere: the record's own message id, which is new for
 * every message (a redriven copy included), so a retried send is not stored twice and a
 * message that failed again after a redrive is not dropped as a duplicate of its first
 * dead-lettering.
 */
export function deadLetterMessage(
  dlqUrl: string,
  record: SQSRecord,
  failure: FailureMetadata,
): SendMessageCommandInput {
  const groupId = record.attributes.MessageGroupId
  const traceHeader = record.attributes.AWSTraceHeader
  return {
    QueueUrl: dlqUrl,
    MessageBody: record.body,
    MessageAttributes: deadLetterAttributes(record.messageAttributes, failure),
    ...(traceHeader
      ? {
          MessageSystemAttributes: {
            AWSTraceHeader: { DataType: 'String', StringValue: traceHeader },
          },
        }
      : {}),
    ...(groupId ? { MessageGroupId: groupId } : {}),
    ...(dlqUrl.endsWith('.fifo') ? { MessageDeduplicationId: record.messageId } : {}),
  }
}
