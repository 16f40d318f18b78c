import { TemplateError } from './errors.ts'
import { type IntrinsicScope, resolveValue } from './intrinsics.ts'
import type { CreatedResource } from './resource-provider.ts'
import type { CfnTemplate, StackEnvironment } from './template.ts'

/**
 * The intrinsic-function scope of one stack: its parameters (defaults, overridden by the
 * given values), its conditions (evaluated once, on first use), and the resources created
 * so far.
 */
export class StackScope implements IntrinsicScope {
  readonly environment: StackEnvironment
  readonly #template: CfnTemplate
  readonly #parameters: Record<string, unknown>
  readonly #conditions = new Map<string, boolean>()
  readonly #created = new Map<string, CreatedResource>()

  constructor(
    template: CfnTemplate,
    environment: StackEnvironment,
    parameters: Record<string, unknown> = {},
  ) {
    this.environment = environment
    this.#template = template
    this.#parameters = {}
    for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
      this.#parameters[name] = parameters[name] ?? parameter.Default
    }
  }

  /** Records a created resource so that later Ref and Fn::GetAtt can read it. */
  created(logicalId: string, resource: CreatedResource): void {
    this.#created.set(logicalId, resource)
  }

  parameter(name: string): unknown {
    if (!(name in this.#parameters)) return undefined
    const value = this.#parameters[name]
    if (value === undefined) {
      throw new TemplateError(`parameter ${name} has no default; give it a value`)
    }
    return value
  }

  condition(name: string): boolean {
    const known = this.#conditions.get(name)
    if (known !== undefined) return known
    const definition = this.#template.Conditions?.[name]
    if (definition === undefined) throw new TemplateError(`unknown condition ${name}`)
    const value = resolveValue(definition, this, `Conditions.${name}`)
    if (typeof value !== 'boolean') {
      throw new TemplateError(`Conditions.${name} is not true or false: ${JSON.stringify(value)}`)
    }
    this.#conditions.set(name, value)
    return value
  }

  ref(logicalId: string): unknown {
    return this.#resource(logicalId, 'Ref').physicalId
  }

  getAtt(logicalId: string, attribute: string): unknown {
    const value = this.#resource(logicalId, `Fn::GetAtt ${attribute}`).attributes[attribute]
    if (value === undefined) {
      throw new TemplateError(
        `Fn::GetAtt [${logicalId}, ${attribute}]: the local ${logicalId} has no attribute ${attribute}`,
      )
    }
    return value
  }

  mapping(map: string, topKey: string, secondKey: string): unknown {
    const value = this.#template.Mappings?.[map]?.[topKey]?.[secondKey]
    if (value === undefined) {
      throw new TemplateError(
        `Fn::FindInMap: Mappings.${map}.${topKey}.${secondKey} does not exist`,
      )
    }
    return value
  }

  #resource(logicalId: string, what: string): CreatedResource {
    const resource = this.#created.get(logicalId)
    if (resource) return resource
    if (!this.#template.Resources?.[logicalId]) {
      throw new TemplateError(`${what} ${logicalId}: no parameter or resource has that name`)
    }
    throw new TemplateError(
      `${what} ${logicalId}: that resource is not created (its Condition is false, or it comes later)`,
    )
  }
}
