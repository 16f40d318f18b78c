import { App, Stack } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { Construct } from 'constructs'
import { describe, expect, it } from 'vitest'
import { stackNameOf, stageProblem } from '../../contracts/stage.ts'
import { createPipelineApp } from '../../lib/app.ts'
import { physicalName } from '../../lib/physical-name.ts'
import { NO_BUNDLING, renderName, type TemplateResource } from './support.ts'

const synthesizedByContext = new Map<string, ReturnType<typeof synthesize>>()
const synthesize = (context: Record<string, unknown>) => {
  const { stack } = createPipelineApp({
    context: { ...NO_BUNDLING, ...context },
    builtinValidation: false,
  })
  const template = Template.fromStack(stack).toJSON() as {
    Resources: Record<string, TemplateResource>
  }
  return { stack, template }
}
/** The app synthesized with a context, once per context. */
const synthesized = (context: Record<string, unknown>) => {
  const key = JSON.stringify(context)
  if (!synthesizedByContext.has(key)) synthesizedByContext.set(key, synthesize(context))
  return synthesizedByContext.get(key)!
}

/**
 * Every physical name in a template: properties named `…Name` that are not a reference to
 * another resource. Names scoped to their parent are left out: an inline policy's
 * PolicyName (per role), an index's IndexName and an attribute's AttributeName (per table),
 * a topic's DisplayName (not an identifier).
 */
function physicalNames(template: { Resources: Record<string, TemplateResource> }) {
  const scoped = new Set(['PolicyName', 'IndexName', 'AttributeName', 'DisplayName'])
  const isReference = (value: unknown) =>
    typeof value === 'object' &&
    value !== null &&
    ('Ref' in value || 'Fn::GetAtt' in value) &&
    !String((value as { Ref?: string }).Ref).startsWith('AWS::')
  return Object.entries(template.Resources).flatMap(([id, resource]) =>
    Object.entries(resource.Properties ?? {})
      .filter(([key, value]) => /Name$/.test(key) && !scoped.has(key) && !isReference(value))
      .map(([key, value]) => ({ at: `${id}.${key}`, name: renderName(value) })),
  )
}

describe('stages', () => {
  it('name the stack: OrderPipeline without one, OrderPipeline-<stage> with one', () => {
    expect(synthesized({}).stack.stackName).toBe('OrderPipeline')
    expect(synthesized({ stage: 'dev' }).stack.stackName).toBe('OrderPipeline-dev')
    expect(stackNameOf('dev')).toBe('OrderPipeline-dev')
  })

  it('give two stages templates with no physical name in common', () => {
    const a = physicalNames(synthesized({ stage: 'a' }).template)
    const b = physicalNames(synthesized({ stage: 'b' }).template)
    // The queues, the dashboard and every alarm: what AWS identifies by name.
    expect(a.filter((n) => /QueueName$/.test(n.at))).toHaveLength(5)
    expect(a.filter((n) => /DashboardName$/.test(n.at))).toHaveLength(1)
    expect(a.filter((n) => /AlarmName$/.test(n.at)).length).toBeGreaterThanOrEqual(17)
    const namesOfB = new Set(b.map((n) => n.name))
    expect(a.filter((n) => namesOfB.has(n.name))).toEqual([])
    for (const { at, name } of a) expect(name, at).toMatch(/^OrderPipeline-a-/)
  })

  it('put the region in the dashboard name (dashboards are per account) and a new part per stack creation in queue names (SQS keeps a deleted name 60 s)', () => {
    const names = physicalNames(synthesized({ stage: 'dev' }).template)
    expect(names.find((n) => /DashboardName$/.test(n.at))?.name).toBe(
      'OrderPipeline-dev-pipeline-<Region>',
    )
    expect(names.filter((n) => /QueueName$/.test(n.at)).map((n) => n.name)).toEqual([
      'OrderPipeline-dev-orders-<instance>',
      'OrderPipeline-dev-inventory-<instance>',
      'OrderPipeline-dev-payments-<instance>',
      'OrderPipeline-dev-notifications-<instance>',
      'OrderPipeline-dev-projections-<instance>',
    ])
  })

  it('reject a stage that cannot be part of a name', () => {
    for (const stage of ['Dev', 'dev_1', '1dev', '', 'a'.repeat(21), 7]) {
      expect(stageProblem(stage), String(stage)).toMatch(/stage must be 1 to 20 lowercase/)
      expect(() => synthesized({ stage }), String(stage)).toThrow(/context stage: stage must be/)
    }
    expect(stageProblem('pr-1234')).toBeUndefined()
  })
})

describe('physicalName', () => {
  const scope = () => {
    const stack = new Stack(new App(), 'OrderPipeline-a-very-long-stage', {
      env: { account: '123456789012', region: 'eu-west-1' },
    })
    return new Construct(stack, 'Thing')
  }

  it('shortens a name too long for the resource type, ending in a hash of it so it stays unique', () => {
    const long = 'x'.repeat(70)
    const one = physicalName(scope(), `${long}-one`, { maxLength: 80, reusedAfterDeletion: true })
    const two = physicalName(scope(), `${long}-two`, { maxLength: 80, reusedAfterDeletion: true })
    const rendered = [one, two].map((name) =>
      renderName(Stack.of(scope()).resolve(name)).replace('<instance>', 'abcdef12'),
    )
    for (const name of rendered) {
      expect(name.length).toBeLessThanOrEqual(80)
      expect(name).toMatch(/^OrderPipeline-a-very-long-stage-x+-[0-9a-f]{8}-abcdef12$/)
    }
    expect(rendered[0]).not.toBe(rendered[1])
  })

  it('puts a concrete region in an account-wide name, and keeps the suffix last', () => {
    expect(physicalName(scope(), 'board', { maxLength: 255, accountWide: true })).toBe(
      'OrderPipeline-a-very-long-stage-board-eu-west-1',
    )
    const fifo = physicalName(scope(), 'q', {
      maxLength: 80,
      suffix: '.fifo',
      reusedAfterDeletion: true,
    })
    expect(renderName(Stack.of(scope()).resolve(fifo))).toBe(
      'OrderPipeline-a-very-long-stage-q-<instance>.fifo',
    )
  })
})
