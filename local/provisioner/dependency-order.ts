import { TemplateError } from './errors.ts'
import { substitutionNames } from './intrinsics.ts'
import type { CfnResource } from './template.ts'

/**
 * The logical ids of `resources` in an order where each comes after everything it refers
 * to (Ref, Fn::GetAtt, names in Fn::Sub) or names in DependsOn. Ties keep template order.
 */
export function dependencyOrder(resources: Record<string, CfnResource>): string[] {
  const dependencies = new Map<string, Set<string>>()
  for (const [logicalId, resource] of Object.entries(resources)) {
    const found = new Set<string>()
    collectReferences(resource.Properties, found)
    const dependsOn = resource.DependsOn
    for (const id of typeof dependsOn === 'string' ? [dependsOn] : (dependsOn ?? [])) found.add(id)
    for (const id of found) {
      if (id === logicalId) throw new TemplateError(`${logicalId} refers to itself`)
    }
    dependencies.set(logicalId, new Set([...found].filter((id) => id in resources)))
    for (const id of typeof dependsOn === 'string' ? [dependsOn] : (dependsOn ?? [])) {
      if (!(id in resources)) {
        throw new TemplateError(`${logicalId}: DependsOn names ${id}, which is not a resource`)
      }
    }
  }

  const order: string[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (id: string, path: string[]) => {
    const seen = state.get(id)
    if (seen === 'done') return
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id]
      throw new TemplateError(`circular dependency between resources: ${cycle.join(' → ')}`)
    }
    state.set(id, 'visiting')
    for (const dependency of dependencies.get(id) ?? []) visit(dependency, [...path, id])
    state.set(id, 'done')
    order.push(id)
  }
  for (const id of Object.keys(resources)) visit(id, [])
  return order
}

/** Adds every logical id (or parameter name) that `value` refers to. */
function collectReferences(value: unknown, found: Set<string>): void {
  if (Array.isArray(value)) {
    for (const element of value) collectReferences(element, found)
    return
  }
  if (value === null || typeof value !== 'object') return
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) found.add(inner)
    else if (key === 'Fn::GetAtt') {
      const target = typeof inner === 'string' ? inner.split('.')[0] : (inner as unknown[])[0]
      if (typeof target === 'string') found.add(target)
    } else if (key === 'Fn::Sub') {
      const template = typeof inner === 'string' ? inner : (inner as unknown[])[0]
      const variables = typeof inner === 'string' ? {} : ((inner as unknown[])[1] ?? {})
      if (typeof template === 'string') {
        for (const name of substitutionNames(template)) {
          if (name.startsWith('AWS::') || name in (variables as object)) continue
          found.add(name.split('.')[0] ?? name)
        }
      }
      collectReferences(variables, found)
    } else collectReferences(inner, found)
  }
}
