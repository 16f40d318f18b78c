import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CfnTemplate } from '../provisioner/template.ts'

/** A stack's CloudFormation template and name, synthesized in process. */
export interface SynthesizedStack {
  readonly stackName: string
  readonly template: CfnTemplate
}

/**
 * Builds a CDK app with one stack to run locally, as `createPipelineApp` (lib/app.ts) does.
 * Structural, so that local/ does not import the app or aws-cdk-lib: the caller passes it.
 */
export type CreateApp = (options: {
  readonly context: Record<string, unknown>
  readonly outdir: string
}) => {
  readonly app: { synth(): { getStackArtifact(id: string): { readonly template: unknown } } }
  readonly stack: { readonly stackName: string; readonly artifactId: string }
}

/**
 * Synthesizes the app's stack in this process and returns its template. Bundling is skipped
 * (functions run from source locally), and so is CDK's built-in template validation
 * (CDK_VALIDATION=false), which is for deployments and takes seconds; `cdk synth` still
 * runs it.
 */
export function synthesizeStack(createApp: CreateApp): SynthesizedStack {
  const outdir = mkdtempSync(join(tmpdir(), 'event-pipeline-synth-'))
  const validation = process.env.CDK_VALIDATION
  process.env.CDK_VALIDATION ??= 'false'
  try {
    const { app, stack } = createApp({ context: { 'aws:cdk:bundling-stacks': [] }, outdir })
    const artifact = app.synth().getStackArtifact(stack.artifactId)
    return { stackName: stack.stackName, template: artifact.template as CfnTemplate }
  } finally {
    if (validation === undefined) delete process.env.CDK_VALIDATION
    rmSync(outdir, { recursive: true, force: true })
  }
}
