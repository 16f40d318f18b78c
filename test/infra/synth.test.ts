import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../lib/pipeline-function.ts'

/** cfn-lint is a Python tool that is not a dependency of this project; it is used when present. */
const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0

let outdir: string
let synth: { status: number | null; output: string }
let template: { Resources: Record<string, { Type: string; Metadata?: Record<string, unknown> }> }

beforeAll(() => {
  // Inside the repository (gitignored .local/) so the bundles' external imports resolve
  // against node_modules when the test imports them.
  mkdirSync(path.join(PROJECT_ROOT, '.local'), { recursive: true })
  outdir = mkdtempSync(path.join(PROJECT_ROOT, '.local', 'infra-synth-'))
  const result = spawnSync(
    'npx',
    ['cdk', 'synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', outdir],
    {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        // Any attempt to use Docker fails: bundling must use the local esbuild.
        CDK_DOCKER: 'docker-must-not-be-used',
        // No AWS here: do not wait for the instance metadata service.
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      timeout: 280_000,
    },
  )
  synth = { status: result.status, output: `${result.stdout}\n${result.stderr}` }
  if (result.status === 0) {
    template = JSON.parse(readFileSync(path.join(outdir, 'OrderPipeline.template.json'), 'utf8'))
  }
}, 300_000)

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true })
})

const assetDirectory = (logicalId: string) => {
  const metadata = template.Resources[logicalId]!.Metadata!
  return path.join(outdir, metadata['aws:asset:path'] as string)
}
const functionIds = () =>
  Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([id]) => id)

describe('cdk synth on a fresh clone, without Docker', () => {
  it('succeeds', () => {
    expect(synth.status, synth.output).toBe(0)
    expect(functionIds()).toHaveLength(6)
  })

  it('bundles each function with the local esbuild into minified ESM with a source map', () => {
    for (const id of functionIds()) {
      const files = readdirSync(assetDirectory(id)).sort()
      expect(files, id).toEqual(['index.mjs', 'index.mjs.map'])
      const bundle = readFileSync(path.join(assetDirectory(id), 'index.mjs'), 'utf8')
      // Minified: thousands of characters a line on average, not formatted source.
      expect(bundle.length / bundle.split('\n').length, id).toBeGreaterThan(1000)
      expect(bundle, id).toContain('//# sourceMappingURL=index.mjs.map')
    }
  })

  it('keeps each bundle small, with a source map that names its sources without holding them', () => {
    for (const id of functionIds()) {
      const directory = assetDirectory(id)
      // What a cold start parses and compiles (npm run bench -- init times it). The consumers
      // are about 180 KB, zod/mini's schemas included; classic zod's chained API would add
      // 60 KB to each. Issue 15 aims at 150 KB: the rest is mostly OpenTelemetry (56 KB, its
      // SDK and OTLP exporter 45 of them) and Powertools' logger and metrics (32 KB).
      expect(statSync(path.join(directory, 'index.mjs')).size, id).toBeLessThan(190 * 1024)
      const map = JSON.parse(readFileSync(path.join(directory, 'index.mjs.map'), 'utf8')) as {
        sources: string[]
        sourcesContent?: unknown
      }
      expect(map.sourcesContent, id).toBeUndefined()
      // Stack traces still map to our TypeScript files.
      expect(
        map.sources.some((source) => source.endsWith('.ts')),
        id,
      ).toBe(true)
    }
  })

  it('leaves the AWS SDK out of the bundles, for the Lambda runtime to provide', () => {
    for (const id of functionIds()) {
      const bundle = readFileSync(path.join(assetDirectory(id), 'index.mjs'), 'utf8')
      expect(bundle, id).toMatch(/from"@aws-sdk\/client-(dynamodb|sns)"/)
      // Strings only the SDK clients' own code has: DynamoDB's JSON target prefix and SNS's
      // API version.
      expect(bundle, id).not.toContain('DynamoDB_20120810')
      expect(bundle, id).not.toContain('2010-03-31')
    }
  })

  it('produces bundles that load as ES modules and export the handler', async () => {
    for (const id of functionIds()) {
      const entry = template.Resources[id]!.Metadata!.EventPipeline as { handler: string }
      const module = (await import(path.join(assetDirectory(id), 'index.mjs'))) as Record<
        string,
        unknown
      >
      expect(typeof module[entry.handler], id).toBe('function')
    }
  })

  it.skipIf(!cfnLint)(
    cfnLint
      ? 'passes cfn-lint'
      : 'passes cfn-lint (skipped: cfn-lint is not on PATH; pip install cfn-lint to run it)',
    () => {
      expect(existsSync(path.join(outdir, 'OrderPipeline.template.json'))).toBe(true)
      // W3005 (DependsOn already implied by a GetAtt) is how aws-cdk-lib itself makes every
      // function depend on its role; it is harmless and not ours to change.
      const result = spawnSync(
        'cfn-lint',
        ['--ignore-checks', 'W3005', '--', path.join(outdir, 'OrderPipeline.template.json')],
        { encoding: 'utf8' },
      )
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0)
    },
    120_000,
  )
})
