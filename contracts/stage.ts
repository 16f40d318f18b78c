/**
 * Stages: one app deployed more than once per account, e.g. `cdk deploy -c stage=dev` and
 * `pipeline status --target aws --stage dev`. The stage is part of the stack's name, and the
 * stack's name is part of every physical name in it, so two stages share no name. The app
 * (lib/) and the CLI (cli/) both derive the stack's name here.
 */
import { STACK_ID } from './outputs.ts'

/** The CDK context key of the stage: `cdk deploy -c stage=dev`. */
export const STAGE_CONTEXT = 'stage'

/** A stage is part of every physical name, so it is short and safe in each: SQS, CloudWatch, CloudFormation. */
const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/

/** What is wrong with a stage, or undefined when it is a valid one. */
export function stageProblem(stage: unknown): string | undefined {
  if (typeof stage === 'string' && STAGE_PATTERN.test(stage)) return undefined
  return `stage must be 1 to 20 lowercase letters, digits or hyphens, starting with a letter (got '${String(stage)}')`
}

/**
 * The CloudFormation name of the pipeline's stack in a stage: `OrderPipeline` without one
 * (the name deployments before stages had), `OrderPipeline-dev` in stage `dev`.
 */
export function stackNameOf(stage: string | undefined): string {
  return stage === undefined ? STACK_ID : `${STACK_ID}-${stage}`
}
