import { execFile } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { cdklocalEnvironment } from '../../../cli/cdklocal-environment.ts'
import { PROJECT_ROOT } from '../../../lib/pipeline-function.ts'

/** cdklocal 3.x's own environment handling, which runs after ours inside `cdklocal`. */
const { configureEnvironment } = createRequire(import.meta.url)('aws-cdk-local/src') as {
  configureEnvironment(env: NodeJS.ProcessEnv, allowList: string): void
}

/** What the CDK inside cdklocal sees: our environment, then cdklocal's sanitising of it. */
function seenByCdk(user: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { env } = cdklocalEnvironment(user)
  configureEnvironment(env, env.AWS_ENVAR_ALLOWLIST ?? '')
  return env
}

describe('the environment npm run deploy:local gives cdklocal', () => {
  it('with only LOCALSTACK_AUTH_TOKEN set, keeps cdklocal’s defaults: LocalStack on port 4566 here, us-east-1, where the CLI looks by default', () => {
    const { endpoint, region } = cdklocalEnvironment({ LOCALSTACK_AUTH_TOKEN: 'ls-token' })
    expect([endpoint, region]).toEqual([undefined, 'us-east-1'])
    const env = seenByCdk({ LOCALSTACK_AUTH_TOKEN: 'ls-token' })
    expect(env).toMatchObject({
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: 'http://localhost.localstack.cloud:4566',
      AWS_ENDPOINT_URL_S3: 'http://s3.localhost.localstack.cloud:4566',
      LOCALSTACK_AUTH_TOKEN: 'ls-token',
    })
  })

  it('keeps an exported region, which cdklocal 3.x would strip (deploying to us-east-1 while the CLI looks in the exported one)', () => {
    expect(seenByCdk({ AWS_REGION: 'eu-west-1' }).AWS_REGION).toBe('eu-west-1')
    // cdklocal alone would set AWS_REGION to us-east-1, which the CDK reads first.
    const defaultOnly = seenByCdk({ AWS_DEFAULT_REGION: 'ap-south-1' })
    expect([defaultOnly.AWS_REGION, defaultOnly.AWS_DEFAULT_REGION]).toEqual([
      'ap-south-1',
      'ap-south-1',
    ])
    const unsanitised: NodeJS.ProcessEnv = { AWS_REGION: 'eu-west-1' }
    configureEnvironment(unsanitised, '')
    expect(unsanitised.AWS_REGION).toBe('us-east-1')
  })

  it('still strips credentials and profiles, as cdklocal means to (no deploy to a real account by mistake)', () => {
    const env = seenByCdk({ AWS_PROFILE: 'prod', AWS_ACCESS_KEY_ID: 'AKIAREAL' })
    expect(env.AWS_PROFILE).toBeUndefined()
    expect(env.AWS_ACCESS_KEY_ID).toBe('test')
  })

  it('turns LOCALSTACK_HOSTNAME and EDGE_PORT, which cdklocal 3.x ignores, into an endpoint, with path-style S3 on a host that is not this machine', () => {
    const { endpoint } = cdklocalEnvironment({
      LOCALSTACK_HOSTNAME: 'localstack',
      EDGE_PORT: '4567',
    })
    expect(endpoint).toBe('http://localstack:4567')
    expect(seenByCdk({ LOCALSTACK_HOSTNAME: 'localstack', EDGE_PORT: '4567' })).toMatchObject({
      AWS_ENDPOINT_URL: 'http://localstack:4567',
      AWS_ENDPOINT_URL_S3: 'http://localstack:4567',
      AWS_S3_FORCE_PATH_STYLE: '1',
    })
  })

  it('gives AWS_ENDPOINT_URL (or the CLI’s LOCALSTACK_ENDPOINT) the AWS_ENDPOINT_URL_S3 cdklocal 3.x refuses to run without', () => {
    expect(() => configureEnvironment({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }, '')).toThrow(
      /AWS_ENDPOINT_URL_S3/,
    )
    for (const user of [
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566/' },
      { LOCALSTACK_ENDPOINT: 'http://127.0.0.1:4566' },
    ]) {
      expect(seenByCdk(user)).toMatchObject({
        AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
        AWS_ENDPOINT_URL_S3: 'http://s3.localhost.localstack.cloud:4566',
      })
    }
    expect(
      seenByCdk({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_S3: 'http://s3.x:1' })
        .AWS_ENDPOINT_URL_S3,
    ).toBe('http://s3.x:1')
  })

  it('keeps what the user allowlisted', () => {
    const env = seenByCdk({ AWS_ENVAR_ALLOWLIST: 'AWS_CA_BUNDLE', AWS_CA_BUNDLE: '/ca.pem' })
    expect(env.AWS_CA_BUNDLE).toBe('/ca.pem')
  })
})

describe('npm run deploy:local', () => {
  /** Runs bin/deploy-local.ts with a `cdklocal` on PATH that records each call and fails `failOn`. */
  async function deployLocal(args: string[], env: NodeJS.ProcessEnv, failOn = '') {
    const bin = mkdtempSync(path.join(tmpdir(), 'cdklocal-'))
    const calls = path.join(bin, 'calls')
    writeFileSync(
      path.join(bin, 'cdklocal'),
      `#!/bin/sh\necho "$* | region=$AWS_REGION allow=$AWS_ENVAR_ALLOWLIST" >> ${calls}\n[ "$1" = "${failOn}" ] && exit 3\nexit 0\n`,
    )
    chmodSync(path.join(bin, 'cdklocal'), 0o755)
    try {
      const result = await promisify(execFile)(
        path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
        ['bin/deploy-local.ts', ...args],
        { cwd: PROJECT_ROOT, env: { PATH: `${bin}:${process.env.PATH}`, HOME: bin, ...env } },
      ).then(
        ({ stderr }) => ({ code: 0, stderr }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      )
      return { ...result, calls: readFileSync(calls, 'utf8').trim().split('\n') }
    } finally {
      rmSync(bin, { recursive: true, force: true })
    }
  }

  it('bootstraps the region the CLI reads, then deploys every stack with the options passed, and says how to find it', async () => {
    const run = await deployLocal(['-c', 'stage=dev'], { AWS_REGION: 'eu-west-1' })
    expect(run.code).toBe(0)
    expect(run.calls).toEqual([
      'bootstrap aws://000000000000/eu-west-1 | region=eu-west-1 allow=AWS_REGION,AWS_DEFAULT_REGION',
      'deploy --all --require-approval never -c dataRemovalPolicy=destroy -c stage=dev | region=eu-west-1 allow=AWS_REGION,AWS_DEFAULT_REGION',
    ])
    expect(run.stderr).toContain(
      'npx pipeline status --target localstack --region eu-west-1 --stage dev',
    )
  }, 60_000)

  it('stops at a failed bootstrap with its exit code', async () => {
    const run = await deployLocal([], {}, 'bootstrap')
    expect(run.code).toBe(3)
    expect(run.calls).toHaveLength(1)
  }, 60_000)
})
