import { createHash } from 'node:crypto'
import { generatedName, nameLimits } from '../physical-names.ts'
import type { ResourceProvider } from '../resource-provider.ts'

/**
 * AWS::Lambda::Function: nothing is created on the emulator; the local Lambda runner runs
 * the function from its TypeScript source (see `local/lambda/local-function.ts`). `Ref` is
 * the function name, `Arn` its ARN.
 */
export const lambdaFunction: ResourceProvider = {
  type: 'AWS::Lambda::Function',
  appliedProperties: ['FunctionName', 'Handler', 'Runtime', 'Timeout', 'MemorySize', 'Environment'],
  async create({ logicalId, properties: p, environment }) {
    const name =
      (p.FunctionName as string | undefined) ??
      generatedName(environment.stackName, logicalId, nameLimits.function)
    const arn = `arn:aws:lambda:${environment.region}:${environment.accountId}:function:${name}`
    return { physicalId: name, attributes: { Arn: arn } }
  },
}

/**
 * AWS::Lambda::EventSourceMapping: run locally by the local Lambda runner (see
 * `local/lambda/event-source-mapping-definitions.ts`). `Ref` is its UUID, stable for a logical id.
 */
export const lambdaEventSourceMapping: ResourceProvider = {
  type: 'AWS::Lambda::EventSourceMapping',
  appliedProperties: [
    'FunctionName',
    'EventSourceArn',
    'Enabled',
    'BatchSize',
    'MaximumBatchingWindowInSeconds',
    'FunctionResponseTypes',
    'ScalingConfig',
    'FilterCriteria',
    'StartingPosition',
    'BisectBatchOnFunctionError',
    'MaximumRetryAttempts',
    'MaximumRecordAgeInSeconds',
    'DestinationConfig',
    'ParallelizationFactor',
  ],
  async create({ logicalId, environment }) {
    const hex = createHash('sha256').update(`${environment.stackName}/${logicalId}`).digest('hex')
    const uuid = [
      hex.slice(0, 8),
      hex.slice(8, 12),
      `4${hex.slice(13, 16)}`,
      `8${hex.slice(17, 20)}`,
      hex.slice(20, 32),
    ].join('-')
    return { physicalId: uuid, attributes: { EventSourceMappingId: uuid } }
  },
}
