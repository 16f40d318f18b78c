import { TemplateError } from '../provisioner/errors.ts'
import type { ProvisionedStack } from '../provisioner/provision.ts'
import { lambdaFunctionDefaults } from './function-definitions.ts'

interface MappingBase {
  readonly logicalId: string
  readonly uuid: string
  /** The function's name (the mapping's `FunctionName` may be a name or an ARN). */
  readonly functionName: string
  readonly enabled: boolean
  readonly batchSize: number
  readonly maximumBatchingWindowInSeconds: number
  readonly reportBatchItemFailures: boolean
  /** `FilterCriteria.Filters[].Pattern`, parsed. */
  readonly filterPatterns: readonly unknown[]
}

/** A mapping from an SQS queue. */
export interface SqsMappingDefinition extends MappingBase {
  readonly source: 'sqs'
  readonly queueArn: string
  readonly queueUrl: string
  /** `ScalingConfig.MaximumConcurrency`, or undefined when not set. */
  readonly maximumConcurrency: number | undefined
}

/** A mapping from a DynamoDB stream. */
export interface StreamMappingDefinition extends MappingBase {
  readonly source: 'dynamodb-stream'
  readonly streamArn: string
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST'
  readonly bisectBatchOnFunctionError: boolean
  /** -1: until the record expires. */
  readonly maximumRetryAttempts: number
  /** -1: no limit. */
  readonly maximumRecordAgeInSeconds: number
  readonly onFailureDestinationArn: string | undefined
  readonly parallelizationFactor: number
}

export type EventSourceMappingDefinition = SqsMappingDefinition | StreamMappingDefinition

/** CloudFormation's default `VisibilityTimeout` of an AWS::SQS::Queue, in seconds (AWS's). @default 30 */
const queueVisibilityTimeoutSeconds = 30

/** The stack's event source mappings, with Lambda's defaults filled in. */
export function eventSourceMappingDefinitions(
  stack: ProvisionedStack,
): EventSourceMappingDefinition[] {
  const functionNames = new Map<string, string>()
  const functionTimeouts = new Map<string, number>()
  const queueUrls = new Map<string, string>()
  const visibilityTimeouts = new Map<string, number>()
  for (const resource of stack.resources) {
    if (resource.type === 'AWS::Lambda::Function') {
      functionNames.set(resource.physicalId, resource.physicalId)
      functionNames.set(String(resource.attributes.Arn), resource.physicalId)
      functionTimeouts.set(
        resource.physicalId,
        Number(resource.properties.Timeout ?? lambdaFunctionDefaults.timeoutSeconds),
      )
    }
    if (resource.type === 'AWS::SQS::Queue') {
      queueUrls.set(String(resource.attributes.Arn), resource.physicalId)
      visibilityTimeouts.set(
        String(resource.attributes.Arn),
        Number(resource.properties.VisibilityTimeout ?? queueVisibilityTimeoutSeconds),
      )
    }
  }

  return stack.resources
    .filter((resource) => resource.type === 'AWS::Lambda::EventSourceMapping')
    .map((resource): EventSourceMappingDefinition => {
      const p = resource.properties
      const at = `Resources.${resource.logicalId}`
      const functionName = functionNames.get(String(p.FunctionName))
      if (!functionName) {
        throw new TemplateError(
          `${at}.FunctionName: ${String(p.FunctionName)} is not a function of this stack`,
        )
      }
      const sourceArn = String(p.EventSourceArn)
      const base = {
        logicalId: resource.logicalId,
        uuid: resource.physicalId,
        functionName,
        enabled: p.Enabled === undefined || p.Enabled === true || p.Enabled === 'true',
        maximumBatchingWindowInSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
        reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes(
          'ReportBatchItemFailures',
        ),
        filterPatterns: (
          (p.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? []
        ).map((filter, i) => parsePattern(filter.Pattern, `${at}.FilterCriteria.Filters[${i}]`)),
      }
      if (sourceArn.startsWith('arn:aws:sqs:')) {
        const queueUrl = queueUrls.get(sourceArn)
        if (!queueUrl) {
          throw new TemplateError(`${at}.EventSourceArn: ${sourceArn} is not a queue of this stack`)
        }
        const visibility = visibilityTimeouts.get(sourceArn) ?? queueVisibilityTimeoutSeconds
        const timeout = functionTimeouts.get(functionName) ?? lambdaFunctionDefaults.timeoutSeconds
        if (visibility < timeout) {
          // CreateEventSourceMapping refuses this, so that a message does not come back while it is processed.
          throw new TemplateError(
            `${at}: Queue visibility timeout: ${visibility} seconds is less than Function timeout: ${timeout} seconds`,
          )
        }
        const scaling = p.ScalingConfig as { MaximumConcurrency?: number } | undefined
        return {
          ...base,
          source: 'sqs',
          queueArn: sourceArn,
          queueUrl,
          batchSize: Number(p.BatchSize ?? 10),
          maximumConcurrency:
            scaling?.MaximumConcurrency === undefined
              ? undefined
              : Number(scaling.MaximumConcurrency),
        }
      }
      if (/^arn:aws:dynamodb:.*\/stream\//.test(sourceArn)) {
        const startingPosition = String(p.StartingPosition ?? '')
        if (startingPosition !== 'TRIM_HORIZON' && startingPosition !== 'LATEST') {
          throw new TemplateError(
            `${at}.StartingPosition must be TRIM_HORIZON or LATEST for a DynamoDB stream, got '${startingPosition}'`,
          )
        }
        const destination = (
          p.DestinationConfig as { OnFailure?: { Destination?: string } } | undefined
        )?.OnFailure?.Destination
        return {
          ...base,
          source: 'dynamodb-stream',
          streamArn: sourceArn,
          startingPosition,
          batchSize: Number(p.BatchSize ?? 100),
          bisectBatchOnFunctionError:
            p.BisectBatchOnFunctionError === true || p.BisectBatchOnFunctionError === 'true',
          maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? -1),
          maximumRecordAgeInSeconds: Number(p.MaximumRecordAgeInSeconds ?? -1),
          onFailureDestinationArn: destination,
          parallelizationFactor: Number(p.ParallelizationFactor ?? 1),
        }
      }
      throw new TemplateError(
        `${at}.EventSourceArn: ${sourceArn} is neither an SQS queue nor a DynamoDB stream; the local runner supports those two`,
      )
    })
}

function parsePattern(pattern: unknown, at: string): unknown {
  if (typeof pattern !== 'string') return pattern
  try {
    return JSON.parse(pattern)
  } catch (error) {
    throw new TemplateError(`${at}.Pattern is not JSON: ${pattern}`, { cause: error })
  }
}
