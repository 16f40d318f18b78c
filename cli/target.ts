import { CloudFormationClient } from '@aws-sdk/client-cloudformation'
import { type Command, Option } from 'commander'
import { STAGE_CONTEXT, stackNameOf, stageProblem } from '../contracts/stage.ts'
import { emulatorClientConfig } from '../local/client-config.ts'
import { localDefaults } from '../local/defaults.ts'
import { CliError } from './cli-error.ts'
import { TargetClients } from './target-clients.ts'

export const targetNames = ['embedded', 'localstack', 'aws'] as const
type TargetName = (typeof targetNames)[number]

/** The options every command that talks to a target takes. */
export interface TargetOptions {
  readonly target: TargetName
  readonly endpoint?: string
  readonly region?: string
  /** The stage the stack was deployed as (`cdk deploy -c stage=dev`). */
  readonly stage?: string
  readonly json?: boolean
  /** Attempts per AWS request. @default 2 (see cli/target-clients.ts) */
  readonly maxAttempts?: number
}

/** Where a command sends its AWS requests. */
export interface Target {
  readonly name: TargetName
  /** undefined for AWS itself. */
  readonly endpoint: string | undefined
  readonly region: string
  /** The stage, undefined for the stack deployed without one. */
  readonly stage: string | undefined
  /** The deployed stack's CloudFormation name: the app's, for the stage (contracts/stage.ts). */
  readonly stackName: string
  /** Its SDK clients, built on first use; {@link useTarget} destroys them. */
  readonly clients: TargetClients
}

/** Adds --target, --endpoint, --region, --stage and --json to a command. */
export function withTargetOptions(command: Command): Command {
  return command
    .addOption(
      new Option('-t, --target <target>', 'where the pipeline runs')
        .choices(targetNames)
        .default('embedded'),
    )
    .option(
      '--endpoint <url>',
      `AWS endpoint: for embedded or localstack (default http://127.0.0.1:${localDefaults.port}; LOCALSTACK_ENDPOINT for localstack), or an AWS-compatible endpoint for aws (with your AWS credentials)`,
    )
    .option(
      '--region <region>',
      "AWS region (default AWS_REGION, AWS_DEFAULT_REGION, for aws the profile's region, else us-east-1: where cdk deploy and npm run deploy:local deploy)",
    )
    .option(
      '--stage <stage>',
      `the stage the stack was deployed as (cdk deploy -c ${STAGE_CONTEXT}=<stage>: stack ${stackNameOf('<stage>')})`,
    )
    .option('--json', 'print JSON instead of text')
}

/** The region the environment names, as the SDK and the CDK read it: AWS_REGION, then AWS_DEFAULT_REGION. */
export function environmentRegion(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined
}

/** The region when neither an option nor the environment names one, as the CDK CLI defaults. */
export const fallbackRegion = 'us-east-1'

export function resolveTarget(options: TargetOptions): Target {
  const region = options.region ?? environmentRegion() ?? fallbackRegion
  if (options.stage !== undefined) {
    const problem = stageProblem(options.stage)
    if (problem) throw new CliError(`--stage: ${problem}`)
  }
  const stage = { stage: options.stage, stackName: stackNameOf(options.stage) }
  switch (options.target) {
    case 'embedded':
    case 'localstack': {
      const endpoint = endpointUrl(
        options.endpoint ??
          (options.target === 'localstack' ? process.env.LOCALSTACK_ENDPOINT : undefined) ??
          `http://127.0.0.1:${localDefaults.port}`,
        'http://127.0.0.1:4566',
      )
      return {
        name: options.target,
        endpoint,
        region,
        ...stage,
        clients: new TargetClients({
          ...emulatorClientConfig(endpoint, region),
          maxAttempts: options.maxAttempts,
        }),
      }
    }
    case 'aws': {
      // An AWS-compatible endpoint (moto, a proxy, a private endpoint) is reached with the
      // same clients and the user's own credentials, as `cdk deploy` reaches it through
      // AWS_ENDPOINT_URL.
      const endpoint =
        options.endpoint === undefined
          ? undefined
          : endpointUrl(options.endpoint, 'https://aws.example.com')
      return {
        name: 'aws',
        endpoint,
        region,
        ...stage,
        clients: new TargetClients({ region, ...(endpoint ? { endpoint } : {}) }),
      }
    }
    default:
      throw new CliError(
        `unknown target '${String(options.target)}': use embedded, localstack or aws`,
      )
  }
}

/** An --endpoint without its trailing slashes; a CliError naming an example unless it is a bare http(s) URL. */
function endpointUrl(raw: string, example: string): string {
  const endpoint = raw.replace(/\/+$/, '')
  if (!/^https?:\/\/[^/]+$/.test(endpoint)) {
    throw new CliError(`--endpoint must be a URL like ${example}, got '${endpoint}'`)
  }
  return endpoint
}

/**
 * Runs a command's work against the target its options name: an error from an AWS call
 * becomes one clear line ({@link describeAwsError}), and the target's clients are closed
 * at the end.
 */
export async function useTarget<T>(
  options: TargetOptions,
  work: (target: Target) => Promise<T>,
): Promise<T> {
  const target = resolveTarget({ ...options, region: await regionOf(options) })
  try {
    return await work(target)
  } catch (error) {
    if (error instanceof CliError) throw error
    throw describeAwsError(error, target)
  } finally {
    target.clients.destroy()
  }
}

/**
 * The region a command's target is in: --region, else the environment's, else for AWS the
 * profile's configured region (where `cdk deploy` deploys; the SDK reads the config file),
 * else {@link fallbackRegion}.
 */
async function regionOf(options: TargetOptions): Promise<string> {
  const named = options.region ?? environmentRegion()
  if (named !== undefined || options.target !== 'aws') return named ?? fallbackRegion
  const probe = new CloudFormationClient({})
  try {
    return (await probe.config.region()) || fallbackRegion
  } catch {
    // No region configured anywhere: the CDK CLI falls back to us-east-1 too.
    return fallbackRegion
  } finally {
    probe.destroy()
  }
}

/**
 * Turns an error from an AWS call into one clear line: an unreachable endpoint, missing
 * credentials, or the service's own message.
 */
export function describeAwsError(error: unknown, target: Target): CliError {
  const e = error as { name?: string; message?: string; code?: string; cause?: { code?: string } }
  const code = e.code ?? e.cause?.code ?? ''
  if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT/.test(`${code} ${e.message}`)) {
    return new CliError(unreachable(target), { cause: error })
  }
  if (e.name === 'CredentialsProviderError') {
    return new CliError(
      'no AWS credentials found: configure a profile (aws configure / AWS_PROFILE) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      { cause: error },
    )
  }
  return new CliError(`${e.name ?? 'Error'}: ${e.message ?? String(error)}`, { cause: error })
}

/** The npm script that deploys the pipeline to LocalStack, or else to AWS, in a stage. */
export function deployCommand(target: string, stage?: string): string {
  const script = target === 'localstack' ? 'npm run deploy:local' : 'npm run deploy'
  return stage === undefined ? script : `${script} -- -c ${STAGE_CONTEXT}=${stage}`
}

export function unreachable(target: Target): string {
  switch (target.name) {
    case 'embedded':
      return `nothing answers at ${target.endpoint}: start the pipeline with \`npm start\` (or pass --endpoint)`
    case 'localstack':
      return `LocalStack does not answer at ${target.endpoint}: start it with \`docker compose -f localstack-compose.yml up -d\` (or pass --endpoint)`
    case 'aws':
      return target.endpoint
        ? `nothing answers at ${target.endpoint}: check --endpoint`
        : `AWS does not answer in ${target.region}: check the network and --region`
  }
}
