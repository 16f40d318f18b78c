import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Why tests that drive the real `aws` CLI cannot run here, or undefined when they can. */
export const awsCliMissing: string | undefined =
  spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0
    ? undefined
    : 'the aws CLI is not on PATH (.ci/run installs it; or apt-get install awscli)'

/**
 * Runs the real `aws` CLI against an endpoint with dummy credentials and no user config,
 * and returns its parsed JSON output (or undefined for commands that print nothing).
 */
export async function awsCli(endpoint: string, args: readonly string[]): Promise<unknown> {
  const { stdout } = await run('aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], {
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
