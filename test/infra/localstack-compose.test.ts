import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../lib/pipeline-function.ts'

const compose = readFileSync(path.join(PROJECT_ROOT, 'localstack-compose.yml'), 'utf8')
const packageJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
}

describe('localstack-compose.yml', () => {
  it('pins the LocalStack image to a release, not a moving tag', () => {
    const image = compose.match(
      /^\s+image: \$\{LOCALSTACK_IMAGE:-(localstack\/localstack:[^}]+)\}$/m,
    )
    expect(image?.[1]).toMatch(/^localstack\/localstack:\d{4}\.\d{2}\.\d+$/)
  })

  it('reads LOCALSTACK_AUTH_TOKEN from the environment and documents the tokenless 4.14.0 fallback', () => {
    expect(compose).toMatch(/^\s+LOCALSTACK_AUTH_TOKEN: \$\{LOCALSTACK_AUTH_TOKEN:-\}$/m)
    expect(compose).toContain('LOCALSTACK_IMAGE=localstack/localstack:4.14.0')
    expect(compose).not.toMatch(/LOCALSTACK_AUTH_TOKEN[:=]\s*['"]?ls-/)
  })

  it('binds the edge port to loopback only and lets LocalStack start Lambda containers', () => {
    expect(compose).toContain('"127.0.0.1:4566:4566"')
    expect(compose).toContain('/var/run/docker.sock:/var/run/docker.sock')
  })
})

describe('deploy scripts', () => {
  it('synthesizes and deploys every stack, to AWS and to LocalStack with aws-cdk-local', () => {
    expect(packageJson.scripts.synth).toBe('cdk synth')
    expect(packageJson.scripts.deploy).toBe('cdk deploy --all')
    // cdklocal bootstrap, then deploy --all (test/unit/cli/cdklocal-environment.test.ts runs it).
    expect(packageJson.scripts['deploy:local']).toBe('tsx bin/deploy-local.ts')
  })
})
