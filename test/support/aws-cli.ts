import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** An installed `aws` CLI: its command and what it printed of its version. */
export interface AwsCli {
  readonly command: string
  readonly version: string
}

function probe(command: string): AwsCli | undefined {
  const result = spawnSync(command, ['--version'], { encoding: 'utf8' })
  if (result.status !== 0) return undefined
  return { command, version: `${result.stdout}${result.stderr}`.trim().split(' ')[0] ?? command }
}

/**
 * The `aws` CLIs on this machine: the one on PATH, and Debian's at /usr/bin/aws when that
 * is a different one (awscli 2.9 speaks SQS's Query protocol, newer ones its JSON protocol).
 */
export const awsClis: readonly AwsCli[] = [probe('aws'), probe('/usr/bin/aws')]
  .filter((cli): cli is AwsCli => cli !== undefined)
  .filter((cli, i, all) => all.findIndex((other) => other.version === cli.version) === i)

/** Why tests that drive the real `aws` CLI cannot run here, or undefined when they can. */
export const awsCliMissing: string | undefined =
  awsClis.length > 0
    ? undefined
    : 'no aws CLI is installed (.ci/run installs it; or apt-get install awscli)'

/**
 * Runs the real `aws` CLI against an endpoint with dummy credentials and no user config,
 * and returns its parsed JSON output (or undefined for commands that print nothing).
 */
export async function awsCli(
  endpoint: string,
  args: readonly string[],
  command = awsClis[0]?.command ?? 'aws',
): Promise<unknown> {
  const { stdout } = await run(command, ['--endpoint-url', endpoint, '--output', 'json', ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    },
    timeout: 60_000,
  })
  return stdout.trim() ? JSON.parse(stdout) : undefined
}
