import { dependencyOrder } from './dependency-order.ts'
import { resourceProviders } from './providers.ts'
import { StackScope } from './stack-scope.ts'
import type { CfnResource, CfnTemplate, StackEnvironment } from './template.ts'

/** What provisioning a template will do, known before anything is created. */
export interface ProvisioningPlan {
  readonly template: CfnTemplate
  readonly environment: StackEnvironment
  readonly parameters: Record<string, unknown>
  /** Logical ids to create, each after what it refers to; resources whose Condition is false are left out. */
  readonly order: readonly string[]
  /** Resource types the embedded AWS does not have, with the logical ids of that type. */
  readonly notProvisioned: ReadonlyMap<string, readonly string[]>
  /** Properties of provisioned types that are not emulated (e.g. KMS encryption), by type. */
  readonly notEmulated: ReadonlyMap<string, readonly string[]>
}

export function planProvisioning(
  template: CfnTemplate,
  environment: StackEnvironment,
  parameters: Record<string, unknown> = {},
): ProvisioningPlan {
  const resources = template.Resources ?? {}
  const scope = new StackScope(template, environment, parameters)
  const included: Record<string, CfnResource> = {}
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!resource.Condition || scope.condition(resource.Condition)) included[logicalId] = resource
  }
  const order = dependencyOrder(included)

  const notProvisioned = new Map<string, string[]>()
  const notEmulated = new Map<string, Set<string>>()
  for (const logicalId of order) {
    const resource = included[logicalId] as CfnResource
    const provider = resourceProviders.get(resource.Type)
    if (!provider) {
      notProvisioned.set(resource.Type, [...(notProvisioned.get(resource.Type) ?? []), logicalId])
      continue
    }
    for (const property of Object.keys(resource.Properties ?? {})) {
      if (provider.appliedProperties.includes(property)) continue
      const set = notEmulated.get(resource.Type) ?? new Set()
      notEmulated.set(resource.Type, set.add(property))
    }
  }
  return {
    template,
    environment,
    parameters,
    order,
    notProvisioned,
    notEmulated: new Map([...notEmulated].map(([type, set]) => [type, [...set].sort()])),
  }
}

/** The plan's notes for a person: one line per type not provisioned and per type with properties not emulated. */
export function describePlan(plan: ProvisioningPlan): string[] {
  const lines: string[] = []
  for (const [type, ids] of [...plan.notProvisioned].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`not provisioned locally: ${type} (${ids.length}: ${abbreviate(ids)})`)
  }
  for (const [type, properties] of [...plan.notEmulated].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`not emulated on ${type}: ${properties.join(', ')}`)
  }
  return lines
}

function abbreviate(ids: readonly string[]): string {
  return ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')}, …`
}
