import { isAbsolute, resolve } from 'node:path'
import {
  type FunctionSourceMetadata,
  SOURCE_METADATA_KEY,
} from '../../contracts/function-source.ts'
import type { ProvisionedStack } from '../provisioner/provision.ts'

/** A Lambda function of the stack as the local runner runs it. */
export interface FunctionDefinition {
  readonly logicalId: string
  readonly functionName: string
  readonly functionArn: string
  /**
   * Absolute path of the TypeScript module the function's code is bundled from, read from
   * the resource's `Metadata.EventPipeline.entry`; undefined when the template does not say.
   */
  readonly entry: string | undefined
  /** The exported handler function's name. */
  readonly handlerExport: string
  readonly timeoutSeconds: number
  readonly memorySizeMb: number
  readonly runtime: string
  /** `Environment.Variables`, resolved. */
  readonly environment: Readonly<Record<string, string>>
}

/** CloudFormation's defaults for AWS::Lambda::Function (AWS's, not ours). */
export const lambdaFunctionDefaults = {
  /** `Timeout`, in seconds. @default 3 */
  timeoutSeconds: 3,
  /** `MemorySize`, in MB. @default 128 */
  memorySizeMb: 128,
} as const

/**
 * The stack's functions. `projectRoot` is the folder `Metadata.EventPipeline.entry` paths
 * are relative to.
 */
export function functionDefinitions(
  stack: ProvisionedStack,
  projectRoot: string,
): FunctionDefinition[] {
  return stack.resources
    .filter((resource) => resource.type === 'AWS::Lambda::Function')
    .map((resource) => {
      const p = resource.properties
      const local = resource.metadata?.[SOURCE_METADATA_KEY] as
        | Partial<FunctionSourceMetadata>
        | undefined
      const variables = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables ?? {}) as Record<string, unknown>
      return {
        logicalId: resource.logicalId,
        functionName: resource.physicalId,
        functionArn: String(resource.attributes.Arn),
        entry: local?.entry
          ? isAbsolute(local.entry)
            ? local.entry
            : resolve(projectRoot, local.entry)
          : undefined,
        handlerExport:
          local?.handler ??
          String(p.Handler ?? 'index.handler')
            .split('.')
            .pop() ??
          'handler',
        timeoutSeconds: Number(p.Timeout ?? lambdaFunctionDefaults.timeoutSeconds),
        memorySizeMb: Number(p.MemorySize ?? lambdaFunctionDefaults.memorySizeMb),
        runtime: String(p.Runtime ?? 'nodejs24.x'),
        environment: Object.fromEntries(
          Object.entries(variables).map(([name, value]) => [name, String(value)]),
        ),
      }
    })
}
