import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import { freePort, motoTarget } from '../../support/targets.ts'
import { runPipeline } from './pipeline-cli.ts'

const embedded = useEmbeddedAws()

/** Exit code 1 and exactly one line on stderr that matches `message`. */
function expectOneLineError(
  result: { code: number | null; stderr: string; stdout: string },
  message: RegExp,
) {
  expect(result.code).toBe(1)
  expect(result.stdout).toBe('')
  const lines = result.stderr.trim().split('\n')
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^pipeline: /)
  expect(lines[0]).toMatch(message)
}

// Each case is its own CLI process: run them side by side.
describe.concurrent('pipeline CLI errors: one clear line and exit code 1', () => {
  it('names the unknown event type and the types the catalogue has', async () => {
    const result = await runPipeline(['publish', 'order.shipped', '--data', '{"orderId":"o-1"}'])
    expectOneLineError(
      result,
      /unknown event type 'order\.shipped': the catalogue has order\.placed, order\.cancelled/,
    )
  })

  it('names each field of an invalid payload', async () => {
    const result = await runPipeline([
      'publish',
      'order.placed',
      '--data',
      '{"orderId":"o-1","customerId":"c-1","items":[{"sku":"A","quantity":2,"unitPrice":1.5}],"total":4}',
    ])
    expectOneLineError(
      result,
      /order\.placed v1 event .* is invalid: .*total 4 is not the sum of the lines \(3\.00\)/,
    )
  })

  it('names every problem of a --faults spec before starting anything', async () => {
    const result = await runPipeline([
      'dev',
      '--port',
      '0',
      '--faults',
      'sqs:throughput=5%; dynamodb.PutItems:throttle=1%',
    ])
    expectOneLineError(
      result,
      /--faults: 'sqs': sqs never answers throughput; 'dynamodb\.PutItems': dynamodb has no operation 'PutItems'/,
    )
  })

  it('says when a --faults file cannot be read', async () => {
    const result = await runPipeline(['embedded', '--port', '0', '--faults', '@no-such-faults.txt'])
    expectOneLineError(result, /cannot read no-such-faults\.txt: ENOENT/)
  })

  it('says when --data is not JSON', async () => {
    const result = await runPipeline(['publish', 'order.cancelled', '--data', '{orderId: 1}'])
    expectOneLineError(result, /--data is not JSON .*@file\.json/)
  })

  it('says how to start the pipeline when nothing answers at the endpoint', async () => {
    const port = await freePort()
    const result = await runPipeline(['status', '--endpoint', `http://127.0.0.1:${port}`])
    expectOneLineError(
      result,
      new RegExp(
        `nothing answers at http://127\\.0\\.0\\.1:${port}: start the pipeline with \`npm start\``,
      ),
    )
  })

  it('says when the embedded AWS runs without the pipeline', async () => {
    const result = await runPipeline(['status', '--endpoint', embedded.endpoint])
    expectOneLineError(result, /answers but runs no pipeline .*start the pipeline with `npm start`/)
  })

  it('says when LocalStack is not running', async () => {
    const port = await freePort()
    const result = await runPipeline([
      'status',
      '--target',
      'localstack',
      '--endpoint',
      `http://127.0.0.1:${port}`,
    ])
    expectOneLineError(
      result,
      /LocalStack does not answer at .*docker compose -f localstack-compose\.yml up -d/,
    )
  })

  it.skipIf(motoTarget.skip)(
    `says the stack is not deployed, with the deploy command (CloudFormation of moto_server) ${motoTarget.skip ? `(skipped: ${motoTarget.skip})` : ''}`,
    async () => {
      const moto = await motoTarget.start()
      try {
        const result = await runPipeline([
          'status',
          '--target',
          'localstack',
          '--endpoint',
          moto.endpoint,
        ])
        expectOneLineError(
          result,
          /stack OrderPipeline is not deployed on localstack in us-east-1 at http:\S+: deploy it with `npm run deploy:local`, or pass the --stage it was deployed as$/,
        )
        // A stage names its own stack, and the command that deploys it.
        const staged = await runPipeline([
          'status',
          '--target',
          'aws',
          '--endpoint',
          moto.endpoint,
          '--region',
          'eu-west-1',
          '--stage',
          'dev',
        ])
        expectOneLineError(
          staged,
          /stack OrderPipeline-dev is not deployed on aws in eu-west-1 at http:\S+: deploy it with `npm run deploy -- -c stage=dev`$/,
        )
        // With no region in the environment, AWS is looked for in the profile's region, where
        // `cdk deploy` deploys.
        const config = path.join(mkdtempSync(path.join(tmpdir(), 'aws-config-')), 'config')
        writeFileSync(config, '[default]\nregion = eu-central-1\n')
        const profiled = await runPipeline(
          ['status', '--target', 'aws', '--endpoint', moto.endpoint],
          {
            env: { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_CONFIG_FILE: config },
          },
        )
        rmSync(path.dirname(config), { recursive: true, force: true })
        expectOneLineError(profiled, /stack OrderPipeline is not deployed on aws in eu-central-1 /)
      } finally {
        await moto.stop()
      }
    },
    // Three CLI runs, each starting tsx, and moto: slow on a loaded machine.
    120_000,
  )

  it('rejects an unknown target with the choices', async () => {
    const result = await runPipeline(['status', '--target', 'gcp'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/Allowed choices are embedded, localstack, aws/)
  })
})
