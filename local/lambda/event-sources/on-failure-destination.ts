import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns'
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs'
import type { DynamoDBRecord } from 'aws-lambda'

/** Why Lambda gave up on a batch of stream records. */
export type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded'

export interface DiscardedBatch {
  readonly condition: DiscardCondition
  readonly records: readonly DynamoDBRecord[]
  readonly shardId: string
  readonly streamArn: string
  readonly functionArn: string
  readonly requestId: string
  readonly invokeCount: number
  readonly functionError: string | undefined
}

/**
 * The invocation record Lambda sends an on-failure destination for discarded stream
 * records: metadata about the batch (shard, sequence numbers), not the records.
 */
function invocationRecord(batch: DiscardedBatch) {
  const first = batch.records[0]?.dynamodb
  const last = batch.records.at(-1)?.dynamodb
  const arrival = (seconds: number | undefined) =>
    seconds === undefined ? undefined : new Date(seconds * 1000).toISOString()
  return {
    requestContext: {
      requestId: batch.requestId,
      functionArn: batch.functionArn,
      condition: batch.condition,
      approximateInvokeCount: batch.invokeCount,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(batch.functionError ? { functionError: batch.functionError } : {}),
    },
    version: '1.0',
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      shardId: batch.shardId,
      startSequenceNumber: first?.SequenceNumber,
      endSequenceNumber: last?.SequenceNumber,
      approximateArrivalOfFirstRecord: arrival(first?.ApproximateCreationDateTime),
      approximateArrivalOfLastRecord: arrival(last?.ApproximateCreationDateTime),
      batchSize: batch.records.length,
      streamArn: batch.streamArn,
    },
  }
}

/** Sends the invocation record of a discarded batch to an SQS queue or SNS topic by ARN. */
export async function sendToDestination(
  destinationArn: string,
  batch: DiscardedBatch,
  clients: { readonly sqs: SQSClient; readonly sns: SNSClient; readonly endpoint: string },
): Promise<void> {
  const body = JSON.stringify(invocationRecord(batch))
  if (destinationArn.startsWith('arn:aws:sns:')) {
    await clients.sns.send(new PublishCommand({ TopicArn: destinationArn, Message: body }))
    return
  }
  const match = /^arn:aws:sqs:[^:]*:(\d+):(.+)$/.exec(destinationArn)
  if (!match)
    throw new Error(
      `on-failure destination ${destinationArn} is neither an SQS queue nor an SNS topic`,
    )
  const queueUrl = `${clients.endpoint}/${match[1]}/${match[2]}`
  await clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }))
}
