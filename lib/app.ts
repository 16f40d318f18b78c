import { App, RemovalPolicy } from 'aws-cdk-lib'
import { STAGE_CONTEXT, stackNameOf, stageProblem } from '../contracts/stage.ts'
import { OrderPipelineStack } from './order-pipeline-stack.ts'

/** Options of {@link createPipelineApp}. */
export interface PipelineAppOptions {
  /**
   * CDK context, e.g. `{ 'aws:cdk:bundling-stacks': [] }` to skip bundling functions when
   * only the template is needed.
   * @default - none besides what cdk.json and the CLI pass
   */
  readonly context?: Record<string, unknown>
  /**
   * Where to write the cloud assembly.
   * @default - the CDK CLI's output directory, or a temporary directory
   */
  readonly outdir?: string
  /**
   * Run CDK's built-in CloudFormation schema validation at synth. It takes seconds; turn it
   * off where the template is only read (the local provisioner, tests that assert on it).
   * @default true
   */
  readonly builtinValidation?: boolean
}

/**
 * The context key that chooses what happens to the domain tables when the stack is
 * deleted: `retain` (the default) or `destroy` (throwaway environments, e.g.
 * `cdklocal deploy -c dataRemovalPolicy=destroy`).
 */
export const DATA_REMOVAL_POLICY_CONTEXT = 'dataRemovalPolicy'

/**
 * The context keys that export the functions' spans over OTLP (the stack's `otlp` prop):
 * `-c otlpEndpoint=http://localhost:4318` and, for a collector layer,
 * `-c otlpLayerArns=<layer version ARN>[,<another>]`.
 */
export const OTLP_CONTEXT = { endpoint: 'otlpEndpoint', layerArns: 'otlpLayerArns' } as const

/**
 * The CDK app: one {@link OrderPipelineStack}, named for the stage that the `stage` context
 * key gives ({@link STAGE_CONTEXT}: `cdk deploy -c stage=dev` deploys `OrderPipeline-dev`),
 * `OrderPipeline` without one.
 */
export function createPipelineApp(options: PipelineAppOptions = {}): {
  app: App
  stack: OrderPipelineStack
} {
  const app = new App({
    context: options.context,
    outdir: options.outdir,
    builtinCloudFormationValidation: options.builtinValidation ?? true,
  })
  const removal = app.node.tryGetContext(DATA_REMOVAL_POLICY_CONTEXT) ?? 'retain'
  if (removal !== 'retain' && removal !== 'destroy') {
    throw new Error(
      `context ${DATA_REMOVAL_POLICY_CONTEXT} must be 'retain' or 'destroy' (got '${removal}')`,
    )
  }
  const stage = app.node.tryGetContext(STAGE_CONTEXT) as unknown
  const problem = stage === undefined ? undefined : stageProblem(stage)
  if (problem) throw new Error(`context ${STAGE_CONTEXT}: ${problem}`)
  const otlpEndpoint = app.node.tryGetContext(OTLP_CONTEXT.endpoint) as string | undefined
  const otlpLayers = app.node.tryGetContext(OTLP_CONTEXT.layerArns) as string | undefined
  if (otlpLayers && !otlpEndpoint) {
    throw new Error(`context ${OTLP_CONTEXT.layerArns} needs ${OTLP_CONTEXT.endpoint} too`)
  }
  const stack = new OrderPipelineStack(app, stackNameOf(stage as string | undefined), {
    dataRemovalPolicy: removal === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    ...(otlpEndpoint
      ? {
          otlp: {
            endpoint: otlpEndpoint,
            layerArns: otlpLayers ? otlpLayers.split(',').map((arn) => arn.trim()) : [],
          },
        }
      : {}),
    env: {
      account: process.env.CDK_DEFAULT_ACCOUNT,
      region: process.env.CDK_DEFAULT_REGION,
    },
  })
  return { app, stack }
}
