import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { SQSClient } from '@aws-sdk/client-sqs'
import { sdkTransportConfig } from '../../contracts/local-transport.ts'
import { traceDynamoDb } from '../tracing/index.ts'
import { sqsModule } from './sqs-module.ts'

/** The AWS clients the runtime calls. */
export interface ConsumerClients {
  readonly sqs: SQSClient
  readonly dynamodb: DynamoDBClient
}

let dynamodb: DynamoDBClient | undefined
let sqs: Promise<SQSClient> | undefined

/**
 * The process's one DynamoDB client, created on first use so that warm invocations reuse
 * its connections. No endpoint here: SDK v3 reads AWS_ENDPOINT_URL (the embedded AWS or
 * LocalStack) and the region from the environment; `sdkTransportConfig` is `{}` except in a
 * local execution environment (contracts/local-transport.ts).
 */
export function processDynamoDb(): DynamoDBClient {
  dynamodb ??= traceDynamoDb(new DynamoDBClient(sdkTransportConfig()))
  return dynamodb
}

/**
 * The process's one SQS client, configured as {@link processDynamoDb}'s, created on first
 * use with its package (sqs-module.ts): only a failed record needs SQS.
 */
export function processSqs(): Promise<SQSClient> {
  sqs ??= sqsModule().then(({ SQSClient }) => new SQSClient(sdkTransportConfig()))
  return sqs
}
