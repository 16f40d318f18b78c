import { type Command, Option } from 'commander'
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
  readonly json?: boolean
}

/** Where a command sends its AWS requests. */
export interface Target {
  readonly name: TargetName
  /** undefined for AWS itself. */
  readonly endpoint: string | undefined
  readonly region: string
  /** Its SDK clients, built on first use; {@link useTarget} destroys them. */
  readonly clients: TargetClients
}

/** Adds --target, --endpoint, --region and --json to a command. */
export function withTargetOptions(command: Command): Command {
  return command
    .addOption(
      new Option('-t, --target <target>', 'where the pipeline runs')
        .choices(targetNames)
        .default('embedded'),
    )
    .option(
      '--endpoint <url>',
      `AWS endpoint for embedded or localstack (default http://127.0.0.1:${localDefaults.port}; LOCALSTACK_ENDPOINT for localstack)`,
    )
    .option('--region <region>', 'AWS region (default AWS_REGION, else us-east-1)')
    .option('--json', 'print JSON instead of text')
}

export function resolveTarget(options: TargetOptions): Target {
  const region =
    options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1'
  switch (options.target) {
    case 'embedded':
    case 'localstack': {
      const endpoint = (
        options.endpoint ??
        (options.target === 'localstack' ? process.env.LOCALSTACK_ENDPOINT : undefined) ??
        `http://127.0.0.1:${localDefaults.port}`
      ).replace(/\/+$/, '')
      if (!/^https?:\/\/[^/]+$/.test(endpoint)) {
        throw new CliError(`--endpoint must be a URL like http://127.0.0.1:4566, got '${endpoint}'`)
      }
      return {
        name: options.target,
        endpoint,
        region,
        clients: new TargetClients(emulatorClientConfig(endpoint, region)),
      }
    }
    case 'aws':
      if (options.endpoint)
        throw new CliError(
          '--endpoint is for --target embedded or localstack; AWS is reached through its own endpoints',
        )
      return {
        name: 'aws',
        endpoint: undefined,
        region,
        clients: new TargetClients({ region }),
      }
    default:
      throw new CliError(
        `unknown target '${String(options.target)}': use embedded, localstack or aws`,
      )
  }
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
  const target = resolveTarget(options)
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

/** The npm script that deploys the pipeline to LocalStack, or else to AWS. */
export function deployCommand(target: string): string {
  return target === 'localstack' ? 'npm run deploy:local' : 'npm run deploy'
}

export function unreachable(target: Target): string {
  switch (target.name) {
    case 'embedded':
      return `nothing answers at ${target.endpoint}: start the pipeline with \`npm start\` (or pass --endpoint)`
    case 'localstack':
      return `LocalStack does not answer at ${target.endpoint}: start it with \`docker compose -f localstack-compose.yml up -d\` (or pass --endpoint)`
    case 'aws':
      return `AWS does not answer in ${target.region}: check the network and --region`
  }
}
