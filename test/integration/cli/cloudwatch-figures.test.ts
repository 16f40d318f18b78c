import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  latestMetricValues,
  oldestMessageAgeQuery,
} from '../../../cli/readers/cloudwatch-figures.ts'
import { resolveTarget } from '../../../cli/target.ts'
import { motoTarget, type RunningTarget } from '../../support/targets.ts'

// The figures `status` and `dlq list` read from CloudWatch on LocalStack and AWS. moto
// serves CloudWatch's metric API, so the queries are checked against a real implementation.
describe('CloudWatch figures for the localstack and aws targets (on moto)', () => {
  let moto: RunningTarget | undefined

  beforeAll(async () => {
    if (!motoTarget.skip) moto = await motoTarget.start()
  }, 60_000)
  afterAll(async () => {
    await moto?.stop()
  })

  it.skipIf(motoTarget.skip)(
    `reads the latest age of the oldest message per queue${motoTarget.skip ? ` (skipped: ${motoTarget.skip})` : ''}`,
    async () => {
      const { clients } = resolveTarget({ target: 'localstack', endpoint: moto!.endpoint })
      await clients.cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: 'AWS/SQS',
          MetricData: [
            {
              MetricName: 'ApproximateAgeOfOldestMessage',
              Dimensions: [{ Name: 'QueueName', Value: 'orders-inventory' }],
              Value: 42,
              Unit: 'Seconds',
              Timestamp: new Date(Date.now() - 60_000), // SQS publishes its metrics a minute or so late
            },
          ],
        }),
      )

      const values = await latestMetricValues(
        clients.cloudwatch,
        [
          oldestMessageAgeQuery('age0', 'orders-inventory'),
          oldestMessageAgeQuery('age1', 'a-queue-with-no-data'),
        ],
        300_000,
      )
      expect(values.get('age0')).toBe(42)
      expect(values.has('age1')).toBe(false)
      clients.destroy()
    },
  )
})
