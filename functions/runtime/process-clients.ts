import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SQSClient } from '@aws-sdk/client-sqs'
import { sdkTransportConfig } from '../../contracts/local-transport.ts'
import { traceDynamoDb } from '../tracing/index.ts'

/** The AWS clients the runtime calls. */
export interface ConsumerClients {
  readonly sqs: SQSClient
  readonly dynamodb: DynamoDBClient
}

let clients: ConsumerClients | undefined

/**
 * One SQS and one DynamoDB client per process, created on first use so that warm
 * invocations reuse their connections. No endpoint here: SDK v3 reads AWS_ENDPOINT_URL
 * (the embedded AWS or LocalStack) and the region from the environment; `sdkTransportConfig`
 * is `{}` except in a local execution environment (contracts/local-transport.ts).
 */
export function processClients(): ConsumerClients {
  clients ??= {
    sqs: new SQSClient(sdkTransportConfig()),
    dynamodb: traceDynamoDb(new DynamoDBClient(sdkTransportConfig())),
  }
  return clients
}
