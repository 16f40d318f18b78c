// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are CloudFormation syntax
import { describe, expect, it } from 'vitest'
import { dependencyOrder } from '../../../local/provisioner/dependency-order.ts'
import { TemplateError } from '../../../local/provisioner/errors.ts'
import { resolveValue } from '../../../local/provisioner/intrinsics.ts'
import { planProvisioning } from '../../../local/provisioner/plan.ts'
import { StackScope } from '../../../local/provisioner/stack-scope.ts'
import type { CfnTemplate } from '../../../local/provisioner/template.ts'

const environment = { stackName: 'Demo', region: 'eu-west-1', accountId: '000000000000' }

function scopeOf(
  template: CfnTemplate,
  created: Record<string, [string, Record<string, unknown>]> = {},
) {
  const scope = new StackScope(template, environment)
  for (const [id, [physicalId, attributes]] of Object.entries(created)) {
    scope.created(id, { physicalId, attributes })
  }
  return scope
}

const template: CfnTemplate = {
  Parameters: { Stage: { Type: 'String', Default: 'dev' } },
  Conditions: {
    IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
    NotProd: { 'Fn::Not': [{ Condition: 'IsProd' }] },
  },
  Resources: {
    Queue: { Type: 'AWS::SQS::Queue' },
    Topic: { Type: 'AWS::SNS::Topic' },
  },
}
const scope = scopeOf(template, {
  Queue: ['http://q/Demo-Queue', { Arn: 'arn:aws:sqs:eu-west-1:000000000000:Demo-Queue' }],
  Topic: ['arn:aws:sns:eu-west-1:000000000000:Demo-Topic', {}],
})

describe('intrinsic functions', () => {
  it('resolves Ref to parameters, pseudo parameters and resources, and Fn::GetAtt in both forms', () => {
    expect(resolveValue({ Ref: 'Stage' }, scope, 'x')).toBe('dev')
    expect(resolveValue({ Ref: 'AWS::Region' }, scope, 'x')).toBe('eu-west-1')
    expect(resolveValue({ Ref: 'Queue' }, scope, 'x')).toBe('http://q/Demo-Queue')
    expect(resolveValue({ 'Fn::GetAtt': ['Queue', 'Arn'] }, scope, 'x')).toMatch(/:Demo-Queue$/)
    expect(resolveValue({ 'Fn::GetAtt': 'Queue.Arn' }, scope, 'x')).toMatch(/:Demo-Queue$/)
  })

  it('joins, substitutes (with variables and ${!literals}), selects and splits', () => {
    expect(resolveValue({ 'Fn::Join': ['/', ['a', { Ref: 'Stage' }, 3]] }, scope, 'x')).toBe(
      'a/dev/3',
    )
    expect(
      resolveValue(
        {
          'Fn::Sub': [
            '${AWS::StackName}:${Queue.Arn}:${Name}:${!Literal}',
            { Name: { Ref: 'Stage' } },
          ],
        },
        scope,
        'x',
      ),
    ).toBe('Demo:arn:aws:sqs:eu-west-1:000000000000:Demo-Queue:dev:${Literal}')
    expect(resolveValue({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] }, scope, 'x')).toBe(
      'b',
    )
  })

  it('evaluates conditions with Fn::If, and drops AWS::NoValue', () => {
    expect(
      resolveValue(
        {
          A: { 'Fn::If': ['IsProd', 'big', { Ref: 'AWS::NoValue' }] },
          B: { 'Fn::If': ['NotProd', 1, 2] },
        },
        scope,
        'x',
      ),
    ).toEqual({ B: 1 })
  })

  it('names the place and the problem when it cannot resolve', () => {
    expect(() => resolveValue({ Ref: 'Nope' }, scope, 'Resources.F.Properties')).toThrow(
      /Resources\.F\.Properties\.Ref: Ref Nope: no parameter or resource has that name/,
    )
    expect(() => resolveValue({ 'Fn::ImportValue': 'shared' }, scope, 'Outputs.X')).toThrow(
      /Fn::ImportValue is not supported by the local provisioner/,
    )
    expect(() => resolveValue({ 'Fn::GetAtt': ['Topic', 'Nope'] }, scope, 'x')).toThrow(
      /the local Topic has no attribute Nope/,
    )
  })
})

describe('dependency order', () => {
  it('creates each resource after what it refers to, through Ref, Fn::GetAtt, Fn::Sub and DependsOn', () => {
    const order = dependencyOrder({
      Subscription: {
        Type: 'AWS::SNS::Subscription',
        Properties: { TopicArn: { Ref: 'Topic' }, Endpoint: { 'Fn::Sub': '${Queue.Arn}' } },
        DependsOn: 'Policy',
      },
      Policy: { Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: [{ Ref: 'Queue' }] } },
      Queue: {
        Type: 'AWS::SQS::Queue',
        Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } },
      },
      Topic: { Type: 'AWS::SNS::Topic' },
      Dlq: { Type: 'AWS::SQS::Queue' },
    })
    const comesBefore = (a: string, b: string) =>
      expect(order.indexOf(a)).toBeLessThan(order.indexOf(b))
    comesBefore('Topic', 'Subscription')
    comesBefore('Queue', 'Subscription')
    comesBefore('Policy', 'Subscription')
    comesBefore('Dlq', 'Queue')
    comesBefore('Queue', 'Policy')
  })

  it('orders by names in Fn::Sub alone, in both its forms, with no DependsOn', () => {
    // Declared before what they name: only the Fn::Sub strings say what comes first.
    const order = dependencyOrder({
      Alarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { AlarmDescription: { 'Fn::Sub': 'depth of ${Queue.QueueName}' } },
      },
      Policy: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          PolicyDocument: { 'Fn::Sub': ['${Arn} from ${AWS::Region}', { Arn: 'fixed' }] },
          Queues: [{ 'Fn::Sub': ['${Url}', { Url: { 'Fn::Sub': '${Dlq}' } }] }],
        },
      },
      Queue: { Type: 'AWS::SQS::Queue' },
      Dlq: { Type: 'AWS::SQS::Queue' },
    })
    expect(order.indexOf('Queue')).toBeLessThan(order.indexOf('Alarm'))
    expect(order.indexOf('Dlq')).toBeLessThan(order.indexOf('Policy'))
  })

  it('plans a resource only when its Condition is true', () => {
    const plan = planProvisioning(
      {
        Parameters: { Stage: { Type: 'String', Default: 'dev' } },
        Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
        Resources: {
          ProdQueue: { Type: 'AWS::SQS::Queue', Condition: 'IsProd' },
          Queue: { Type: 'AWS::SQS::Queue' },
        },
      },
      environment,
    )
    expect(plan.order).toEqual(['Queue'])
    const prod = planProvisioning(
      {
        Parameters: { Stage: { Type: 'String', Default: 'prod' } },
        Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
        Resources: { ProdQueue: { Type: 'AWS::SQS::Queue', Condition: 'IsProd' } },
      },
      environment,
    )
    expect(prod.order).toEqual(['ProdQueue'])
  })

  it('names the cycle when resources refer to each other', () => {
    expect(() =>
      dependencyOrder({
        A: { Type: 'AWS::SQS::Queue', Properties: { X: { Ref: 'B' } } },
        B: { Type: 'AWS::SQS::Queue', Properties: { X: { 'Fn::GetAtt': ['A', 'Arn'] } } },
      }),
    ).toThrow(new TemplateError('circular dependency between resources: A → B → A'))
  })
})
