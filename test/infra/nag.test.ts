import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Stack, Validations } from 'aws-cdk-lib'
import { Queue } from 'aws-cdk-lib/aws-sqs'
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag'
import type { IConstruct } from 'constructs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPipelineApp } from '../../lib/app.ts'
import { NO_BUNDLING } from './support.ts'

interface Violation {
  ruleName: string
  severity: string
  violatingConstructs: { constructPath: string }[]
}
interface Report {
  pluginReports: { pluginName: string; violations: Violation[] }[]
}

let outdir: string
let report: Report
let acknowledgments: { path: string; id: string; reason: string }[]

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'pipeline-nag-'))
  const { app, stack } = createPipelineApp({
    context: NO_BUNDLING,
    outdir,
    builtinValidation: false,
  })
  // A canary: a queue with neither a DLQ nor TLS enforcement, so each pack has something to
  // report. It proves the packs ran; the pipeline's stack must have nothing reported.
  const canary = new Stack(app, 'NagCanary')
  new Queue(canary, 'Unprotected')
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app))
  // Errors make synth throw after it has written the report; the canary guarantees some.
  expect(() => app.synth()).toThrow(/NagCanary\/Unprotected/)
  report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'))
  acknowledgments = stack.node.findAll().flatMap((construct: IConstruct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  )
})

afterAll(() => rmSync(outdir, { recursive: true, force: true }))

const violationsUnder = (prefix: string) =>
  report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs
        .filter((construct) => construct.constructPath.startsWith(prefix))
        .map(
          (construct) => `${plugin.pluginName} ${violation.ruleName} at ${construct.constructPath}`,
        ),
    ),
  )

describe('cdk-nag AwsSolutions and Serverless packs', () => {
  it('run: they report the canary', () => {
    const canary = violationsUnder('NagCanary/')
    expect(canary.some((v) => v.startsWith('AwsSolutions AwsSolutions-SQS3'))).toBe(true)
    expect(canary.some((v) => v.startsWith('AwsSolutions AwsSolutions-SQS4'))).toBe(true)
    expect(canary.some((v) => v.startsWith('Serverless Serverless-SQSRedrivePolicy'))).toBe(true)
  })

  it('find nothing unacknowledged in the order pipeline stack, errors or warnings', () => {
    expect(violationsUnder('OrderPipeline/')).toEqual([])
  })

  it('acknowledge each finding with a reason', () => {
    expect(acknowledgments.length).toBeGreaterThan(0)
    for (const { path: at, id, reason } of acknowledgments) {
      expect(id, at).toMatch(/^(AwsSolutions|Serverless)::/)
      expect(reason.length, `${id} at ${at}`).toBeGreaterThan(40)
    }
    expect([...new Set(acknowledgments.map((a) => a.id.replace(/^\w+::/, '')))].sort()).toEqual([
      'AwsSolutions-DDB3',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-SQS3',
      'Serverless-LambdaDLQ',
      'Serverless-LambdaEventSourceMappingDestination',
      'Serverless-SQSRedrivePolicy',
    ])
  })
})
