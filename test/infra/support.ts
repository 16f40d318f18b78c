import { App, Stack } from 'aws-cdk-lib'
import type { Template } from 'aws-cdk-lib/assertions'
import type { ITable } from 'aws-cdk-lib/aws-dynamodb'
import { IdempotencyTable } from '../../lib/idempotency-table.ts'

/** Context that skips bundling functions: the template is all these tests need. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] }

/** A resource of a synthesized template. */
export interface TemplateResource {
  Type: string
  Properties: Record<string, unknown>
  Metadata?: Record<string, unknown>
}

/** A fresh app and stack, with bundling skipped. */
export function freshStack(): Stack {
  const app = new App({ context: NO_BUNDLING, builtinCloudFormationValidation: false })
  return new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } })
}

/** The stack's one idempotency table, made on first use: every Consumer needs one. */
export function idempotencyTableIn(stack: Stack): ITable {
  const existing = stack.node.tryFindChild('Idempotency') as IdempotencyTable | undefined
  return (existing ?? new IdempotencyTable(stack, 'Idempotency')).table
}

/** The resources of one type in a template, by logical id. */
export function resourcesOf(
  template: Template,
  type: string,
): Record<string, { Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }> {
  return template.findResources(type) as Record<
    string,
    { Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }
  >
}

/** One IAM policy statement, normalized to arrays. */
export interface Statement {
  Effect: string
  Action: string[]
  Resource: unknown[]
  Condition?: Record<string, unknown>
}

/** The statements of the inline policies attached to a role (by the role's logical id). */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId),
  )
  return policies.flatMap((policy) =>
    (
      (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement ?? []
    ).map((s) => ({
      Effect: s.Effect as string,
      Action: [s.Action].flat() as string[],
      Resource: [s.Resource].flat(),
      ...(s.Condition ? { Condition: s.Condition as Record<string, unknown> } : {}),
    })),
  )
}

/** The logical ids that a CloudFormation value refers to (Ref and Fn::GetAtt, nested). */
export function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedIds)
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>
    if (typeof object.Ref === 'string') return [object.Ref]
    if (Array.isArray(object['Fn::GetAtt'])) return [object['Fn::GetAtt'][0] as string]
    return Object.values(object).flatMap(referencedIds)
  }
  return []
}

/** The expression of a stack instance's id that `physicalName` puts in names AWS keeps after deletion. */
const STACK_INSTANCE = JSON.stringify({
  'Fn::Select': [
    0,
    { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] },
  ],
})

/**
 * A name as CloudFormation will resolve it, for reading in a test: a `Fn::Join` flattened, the
 * stack instance's id as `<instance>`, a pseudo parameter as `<Region>`, `<Partition>`…
 * Anything else is left as its JSON.
 */
export function renderName(value: unknown): string {
  if (typeof value === 'string') return value
  if (JSON.stringify(value) === STACK_INSTANCE) return '<instance>'
  const object = value as Record<string, unknown>
  if (typeof object.Ref === 'string' && object.Ref.startsWith('AWS::'))
    return `<${object.Ref.slice(5)}>`
  const join = object['Fn::Join'] as [string, unknown[]] | undefined
  if (join) return join[1].map(renderName).join(join[0])
  return JSON.stringify(value)
}
