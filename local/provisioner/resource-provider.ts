import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { SNSClient } from '@aws-sdk/client-sns'
import type { SQSClient } from '@aws-sdk/client-sqs'
import type { StackEnvironment } from './template.ts'

/** The AWS clients resource providers create resources with. */
interface ProvisionClients {
  readonly sns: SNSClient
  readonly sqs: SQSClient
  readonly dynamodb: DynamoDBClient
}

/** What a provider is given to create one resource: its properties already resolved. */
export interface CreateRequest {
  readonly logicalId: string
  readonly type: string
  readonly properties: Record<string, unknown>
  readonly metadata: Record<string, unknown> | undefined
  readonly environment: StackEnvironment
  readonly clients: ProvisionClients
}

/** A created resource: the value of `Ref` and the values `Fn::GetAtt` can read. */
export interface CreatedResource {
  readonly physicalId: string
  readonly attributes: Readonly<Record<string, unknown>>
}

/** Creates one CloudFormation resource type on an emulated AWS. */
export interface ResourceProvider {
  readonly type: string
  /** Properties this provider applies; any other property is reported as not emulated. */
  readonly appliedProperties: readonly string[]
  create(request: CreateRequest): Promise<CreatedResource>
}

/** CloudFormation takes `true`, `"true"`, `1`: AWS attribute maps want `"true"`/`"false"`. */
export function booleanAttribute(value: unknown): string {
  return String(value === true || value === 'true')
}

/** A JSON document property: CloudFormation accepts an object or a JSON string. */
export function jsonAttribute(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}
