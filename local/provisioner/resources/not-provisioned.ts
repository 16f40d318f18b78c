import { generatedName, nameLimits } from '../physical-names.ts'
import type { CreatedResource } from '../resource-provider.ts'
import type { StackEnvironment } from '../template.ts'

/**
 * Stand-in values for a resource the embedded AWS does not have (IAM roles, KMS keys,
 * alarms, …), so that properties referring to it still resolve: `Ref` is a generated
 * name and `Arn` an ARN of the right service built from it. Nothing is created.
 */
export function notProvisioned(
  logicalId: string,
  type: string,
  environment: StackEnvironment,
): CreatedResource {
  const name = generatedName(environment.stackName, logicalId, nameLimits.other)
  const [, service = 'unknown', kind = 'resource'] = type.toLowerCase().split('::')
  const region = service === 'iam' ? '' : environment.region
  const arn = `arn:aws:${service}:${region}:${environment.accountId}:${kind}/${name}`
  return {
    physicalId: name,
    attributes: new Proxy({ Arn: arn } as Record<string, unknown>, {
      get: (target, attribute: string) => target[attribute] ?? `${name}.${attribute}`,
    }),
  }
}
