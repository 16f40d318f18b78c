import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation'
import { type PipelineResources, parseStackOutputs, STACK_ID } from '../lib/outputs.ts'
import { type StackDocument, stackRoute } from '../local/pipeline/pipeline-routes.ts'
import { CliError } from './cli-error.ts'
import { describeAwsError, type Target, unreachable } from './target.ts'

/** The pipeline's resources on a target, from the stack outputs. */
export async function findPipeline(
  target: Target,
  stackName = STACK_ID,
): Promise<PipelineResources> {
  const outputs =
    target.name === 'embedded'
      ? await embeddedOutputs(target)
      : await stackOutputs(target, stackName)
  try {
    return parseStackOutputs(outputs)
  } catch (error) {
    throw new CliError((error as Error).message, { cause: error })
  }
}

/** `pipeline dev` serves the provisioned stack's outputs on its endpoint. */
async function embeddedOutputs(target: Target): Promise<Record<string, string>> {
  let response: Response
  try {
    response = await fetch(`${target.endpoint}${stackRoute}`, { signal: AbortSignal.timeout(5000) })
  } catch (error) {
    throw new CliError(unreachable(target), { cause: error })
  }
  if (response.status === 503) {
    throw new CliError(
      `the pipeline at ${target.endpoint} is still starting: try again in a few seconds`,
    )
  }
  if (!response.ok) {
    throw new CliError(
      `${target.endpoint} answers but runs no pipeline (an embedded AWS from \`pipeline embedded\`, or another server): start the pipeline with \`npm start\``,
    )
  }
  return ((await response.json()) as StackDocument).outputs as Record<string, string>
}

/** CloudFormation DescribeStacks → Outputs, for LocalStack and AWS. */
async function stackOutputs(target: Target, stackName: string): Promise<Record<string, string>> {
  const cloudformation = new CloudFormationClient({ ...target.clientConfig, maxAttempts: 2 })
  try {
    const { Stacks = [] } = await cloudformation.send(
      new DescribeStacksCommand({ StackName: stackName }),
    )
    const stack = Stacks[0]
    if (!stack || stack.StackStatus === 'DELETE_COMPLETE') throw notDeployed(target, stackName)
    if (/_IN_PROGRESS$/.test(stack.StackStatus ?? '') && !stack.Outputs?.length) {
      throw new CliError(
        `stack ${stackName} is ${stack.StackStatus} on ${target.name}: wait for the deployment to finish`,
      )
    }
    return Object.fromEntries(
      (stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
    )
  } catch (error) {
    if (error instanceof CliError) throw error
    if (
      (error as Error).name === 'ValidationError' &&
      /does not exist/.test((error as Error).message)
    ) {
      throw notDeployed(target, stackName)
    }
    throw describeAwsError(error, target)
  } finally {
    cloudformation.destroy()
  }
}

function notDeployed(target: Target, stackName: string): CliError {
  const deploy = target.name === 'localstack' ? 'npm run deploy:local' : 'npm run deploy'
  return new CliError(
    `stack ${stackName} is not deployed on ${target.name} (${target.region}): deploy it with \`${deploy}\``,
  )
}
