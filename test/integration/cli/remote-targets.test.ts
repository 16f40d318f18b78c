import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation'
import { describe, expect, it } from 'vitest'
import type { ConsumerStatus } from '../../../cli/consumer-status.ts'
import { STACK_ID } from '../../../contracts/outputs.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { runPipeline } from './pipeline-cli.ts'

const localstackEndpoint = process.env.LOCALSTACK_ENDPOINT ?? 'http://127.0.0.1:4566'

/** Why the LocalStack tests cannot run here, or undefined when they can. */
async function localstackSkip(): Promise<string | undefined> {
  try {
    const health = await fetch(`${localstackEndpoint}/_localstack/health`, {
      signal: AbortSignal.timeout(2000),
    })
    if (!health.ok)
      return `no LocalStack at ${localstackEndpoint} (docker compose -f localstack-compose.yml up -d)`
  } catch {
    return `no LocalStack at ${localstackEndpoint} (docker compose -f localstack-compose.yml up -d)`
  }
  const cloudformation = new CloudFormationClient(emulatorClientConfig(localstackEndpoint))
  try {
    await cloudformation.send(new DescribeStacksCommand({ StackName: STACK_ID }))
    return undefined
  } catch {
    return `${STACK_ID} is not deployed on LocalStack at ${localstackEndpoint} (npm run deploy:local)`
  } finally {
    cloudformation.destroy()
  }
}

const onLocalstack = await localstackSkip()
const onAws =
  process.env.EVENT_PIPELINE_AWS_TESTS === '1'
    ? undefined
    : 'set EVENT_PIPELINE_AWS_TESTS=1, with AWS credentials and the stack deployed (npm run deploy), to run against AWS'

const order = JSON.stringify({
  orderId: `order-remote-${Date.now()}`,
  customerId: 'customer-1',
  items: [{ sku: 'SKU-MUG', quantity: 1, unitPrice: 8.5 }],
  total: 8.5,
})

for (const [target, skip, extra] of [
  ['localstack', onLocalstack, ['--endpoint', localstackEndpoint]],
  ['aws', onAws, []],
] as const) {
  describe(`pipeline CLI against ${target}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it.skipIf(skip)(
      'finds the consumers from the stack outputs and shows their status',
      async () => {
        const result = await runPipeline(['status', '--target', target, ...extra, '--json'])
        expect(result.code, result.stderr).toBe(0)
        const { consumers } = JSON.parse(result.stdout) as { consumers: ConsumerStatus[] }
        expect(consumers.map((c) => c.consumer)).toEqual([
          'inventory',
          'payments',
          'notifications',
          'projections',
        ])
      },
    )

    it.skipIf(skip)('publishes a validated order to the deployed bus', async () => {
      const result = await runPipeline([
        'publish',
        'order.placed',
        '--target',
        target,
        ...extra,
        '--data',
        order,
        '--json',
      ])
      expect(result.code, result.stderr).toBe(0)
      expect(JSON.parse(result.stdout)).toMatchObject({
        eventType: 'order.placed',
        messageId: expect.any(String),
      })
    })
  })
}
