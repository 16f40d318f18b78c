import { Duration } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { describe, expect, it } from 'vitest'
import { createPipelineApp } from '../../lib/app.ts'
import { PipelineFunction } from '../../lib/pipeline-function.ts'
import { PipelineMonitoring } from '../../lib/pipeline-monitoring.ts'
import { freshStack, NO_BUNDLING } from './support.ts'

const ENTRY = 'functions/outbox-publisher/handler.ts'

describe('PipelineFunction validation', () => {
  it('rejects an entry outside the repository', () => {
    expect(
      () => new PipelineFunction(freshStack(), 'Fn', { entry: '../elsewhere/handler.ts' }),
    ).toThrow(
      /entry must be a path inside the repository, relative to its root \(got '..\/elsewhere\/handler.ts'\)/,
    )
    expect(() => new PipelineFunction(freshStack(), 'Fn', { entry: '/abs/handler.ts' })).toThrow(
      /entry must be a path inside the repository/,
    )
  })
  it('rejects a timeout outside 1 second to 15 minutes', () => {
    expect(
      () =>
        new PipelineFunction(freshStack(), 'Fn', { entry: ENTRY, timeout: Duration.millis(500) }),
    ).toThrow(/timeout must be whole seconds between 1 second and 15 minutes.*got 500 millis/)
  })
  it('rejects memory outside 128 to 10240 MB', () => {
    expect(
      () => new PipelineFunction(freshStack(), 'Fn', { entry: ENTRY, memorySize: 64 }),
    ).toThrow(/memorySize must be an integer from 128 to 10240 MB, Lambda's range \(got 64\)/)
  })
})

describe('PipelineMonitoring', () => {
  it('uses the thresholds it is given', () => {
    const stack = freshStack()
    const monitoring = new PipelineMonitoring(stack, 'Monitoring', {
      dashboardName: 'orders-dash',
      maxErrorRatePercent: 2,
    })
    expect(monitoring.dashboardName).toBe('orders-dash')
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'orders-dash',
    })
  })
  it('rejects a dashboard name CloudWatch would not accept', () => {
    expect(
      () => new PipelineMonitoring(freshStack(), 'M', { dashboardName: 'my dashboard' }),
    ).toThrow(/dashboardName must be 1 to 255 of A-Z, a-z, 0-9, - and _ \(got 'my dashboard'\)/)
  })
  it('rejects a message-age threshold under a minute', () => {
    expect(
      () => new PipelineMonitoring(freshStack(), 'M', { maxMessageAge: Duration.seconds(30) }),
    ).toThrow(/maxMessageAge must be at least 1 minute/)
  })
  it('rejects an error-rate threshold outside 0 to 100 percent', () => {
    expect(() => new PipelineMonitoring(freshStack(), 'M', { maxErrorRatePercent: 150 })).toThrow(
      /maxErrorRatePercent must be from 0 to 100 \(got 150\)/,
    )
  })
  it('rejects evaluation periods outside 1 to 60', () => {
    expect(() => new PipelineMonitoring(freshStack(), 'M', { evaluationPeriods: 0 })).toThrow(
      /evaluationPeriods must be an integer from 1 to 60 \(got 0\)/,
    )
  })
})

describe('createPipelineApp context', () => {
  it('destroys the domain tables with the stack when dataRemovalPolicy is destroy', () => {
    const { stack } = createPipelineApp({
      context: { ...NO_BUNDLING, dataRemovalPolicy: 'destroy' },
      builtinValidation: false,
    })
    const tables = Template.fromStack(stack).findResources('AWS::DynamoDB::Table')
    expect(Object.values(tables).map((t) => t.DeletionPolicy)).toEqual(
      Object.values(tables).map(() => 'Delete'),
    )
  })
  it('keeps the KMS keys by default and schedules their deletion with the stack when dataRemovalPolicy is destroy', () => {
    const keysOf = (context: Record<string, unknown>) =>
      Object.values(
        Template.fromStack(
          createPipelineApp({ context: { ...NO_BUNDLING, ...context }, builtinValidation: false })
            .stack,
        ).findResources('AWS::KMS::Key'),
      ).map((key) => key.DeletionPolicy)
    // The bus's key and the alarm topic's.
    expect(keysOf({})).toEqual(['Retain', 'Retain'])
    expect(keysOf({ dataRemovalPolicy: 'destroy' })).toEqual(['Delete', 'Delete'])
  })
  it('rejects any other dataRemovalPolicy', () => {
    expect(() =>
      createPipelineApp({ context: { ...NO_BUNDLING, dataRemovalPolicy: 'keep' } }),
    ).toThrow(/context dataRemovalPolicy must be 'retain' or 'destroy' \(got 'keep'\)/)
  })
})
