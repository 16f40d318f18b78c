import type { ResourceProvider } from './resource-provider.ts'
import { dynamodbGlobalTable, dynamodbTable } from './resources/dynamodb-table.ts'
import { lambdaEventSourceMapping, lambdaFunction } from './resources/lambda.ts'
import { snsSubscription } from './resources/sns-subscription.ts'
import { snsTopic } from './resources/sns-topic.ts'
import { sqsQueue } from './resources/sqs-queue.ts'

/** Every resource type the local provisioner creates (or, for Lambda, runs), by type. */
export const resourceProviders: ReadonlyMap<string, ResourceProvider> = new Map(
  [
    snsTopic,
    sqsQueue,
    snsSubscription,
    dynamodbTable,
    dynamodbGlobalTable,
    lambdaFunction,
    lambdaEventSourceMapping,
  ].map((provider) => [provider.type, provider]),
)
