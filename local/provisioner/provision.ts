import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SNSClient } from '@aws-sdk/client-sns'
import { SQSClient } from '@aws-sdk/client-sqs'
import { emulatorClientConfig } from '../client-config.ts'
import { ResourceCreationError, TemplateError } from './errors.ts'
import { resolveValue } from './intrinsics.ts'
import type { ProvisioningPlan } from './plan.ts'
import { resourceProviders } from './providers.ts'
import type { CreatedResource } from './resource-provider.ts'
import { notProvisioned } from './resources/not-provisioned.ts'
import { StackScope } from './stack-scope.ts'
import type { CfnResource, StackEnvironment } from './template.ts'

/** One resource of the stack as it exists locally. */
interface ProvisionedResource extends CreatedResource {
  readonly logicalId: string
  readonly type: string
  /** False for types the embedded AWS does not have: then the values are stand-ins. */
  readonly provisioned: boolean
  /** The properties with every intrinsic function evaluated. */
  readonly properties: Readonly<Record<string, unknown>>
  readonly metadata: Readonly<Record<string, unknown>> | undefined
}

/** A stack created on an emulated AWS from its template. */
export interface ProvisionedStack {
  readonly environment: StackEnvironment
  readonly endpoint: string
  /** Every resource in creation order. */
  readonly resources: readonly ProvisionedResource[]
  /** The stack outputs, resolved, like DescribeStacks gives them. */
  readonly outputs: Readonly<Record<string, string>>
}

export interface ProvisionOptions {
  readonly endpoint: string
  /** Called with a line for each resource created. */
  readonly onProgress?: (message: string) => void
}

/** Creates the plan's resources on the emulated AWS at `endpoint`, in dependency order. */
export async function provision(
  plan: ProvisioningPlan,
  options: ProvisionOptions,
): Promise<ProvisionedStack> {
  const { environment, template } = plan
  // CloudFormation outlasts throttling and 5xx while it creates a stack; so does this, also
  // when the embedded AWS injects faults (10 % faults: one call in 10^10 fails for good).
  const config = { ...emulatorClientConfig(options.endpoint, environment.region), maxAttempts: 10 }
  const clients = {
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
    dynamodb: new DynamoDBClient(config),
  }
  const scope = new StackScope(template, environment, plan.parameters)
  const resources: ProvisionedResource[] = []
  try {
    for (const logicalId of plan.order) {
      const resource = template.Resources?.[logicalId] as CfnResource
      const properties = resolveValue(
        resource.Properties ?? {},
        scope,
        `Resources.${logicalId}.Properties`,
      ) as Record<string, unknown>
      const provider = resourceProviders.get(resource.Type)
      let created: CreatedResource
      if (provider) {
        try {
          created = await provider.create({
            logicalId,
            type: resource.Type,
            properties,
            metadata: resource.Metadata,
            environment,
            clients,
          })
        } catch (error) {
          throw new ResourceCreationError(logicalId, resource.Type, { cause: error })
        }
        options.onProgress?.(`created ${resource.Type} ${logicalId} (${created.physicalId})`)
      } else {
        created = notProvisioned(logicalId, resource.Type, environment)
      }
      scope.created(logicalId, created)
      resources.push({
        ...created,
        logicalId,
        type: resource.Type,
        provisioned: provider !== undefined,
        properties,
        metadata: resource.Metadata,
      })
    }
    return {
      environment,
      endpoint: options.endpoint,
      resources,
      outputs: resolveOutputs(plan, scope),
    }
  } finally {
    for (const client of Object.values(clients)) client.destroy()
  }
}

function resolveOutputs(plan: ProvisioningPlan, scope: StackScope): Record<string, string> {
  const outputs: Record<string, string> = {}
  for (const [name, output] of Object.entries(plan.template.Outputs ?? {})) {
    if (output.Condition && !scope.condition(output.Condition)) continue
    const value = resolveValue(output.Value, scope, `Outputs.${name}.Value`)
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new TemplateError(`Outputs.${name}.Value is not a string: ${JSON.stringify(value)}`)
    }
    outputs[name] = String(value)
  }
  return outputs
}
