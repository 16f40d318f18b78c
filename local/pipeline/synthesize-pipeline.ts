import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CfnTemplate } from '../provisioner/template.ts'

/** The order pipeline's CloudFormation template and stack name, synthesized in process. */
export interface SynthesizedStack {
  readonly stackName: string
  readonly template: CfnTemplate
}

/**
 * Synthesizes the CDK app (`lib/app.ts`, what `cdk deploy` ships) in this process and
 * returns the order stack's template. Bundling is skipped (functions run from source
 * locally), and so is CDK's built-in template validation (CDK_VALIDATION=false), which is
 * for deployments and takes seconds; `cdk synth` still runs it.
 */
export async function synthesizePipeline(): Promise<SynthesizedStack> {
  const outdir = mkdtempSync(join(tmpdir(), 'event-pipeline-synth-'))
  const validation = process.env.CDK_VALIDATION
  process.env.CDK_VALIDATION ??= 'false'
  try {
    const { createPipelineApp } = await import('../../lib/app.ts')
    const { app, stack } = createPipelineApp({
      context: { 'aws:cdk:bundling-stacks': [] },
      outdir,
    })
    const artifact = app.synth().getStackArtifact(stack.artifactId)
    return { stackName: stack.stackName, template: artifact.template as CfnTemplate }
  } finally {
    if (validation === undefined) delete process.env.CDK_VALIDATION
    rmSync(outdir, { recursive: true, force: true })
  }
}
