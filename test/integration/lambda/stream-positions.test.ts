import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { startEmbeddedAws } from '../../../local/embedded-aws.ts'
import { startEventSourceMappings } from '../../../local/lambda/runner.ts'
import { planProvisioning } from '../../../local/provisioner/plan.ts'
import { provision } from '../../../local/provisioner/provision.ts'
import { emulatorAccountId } from '../../../local/provisioner/template.ts'
import { eventually, type FixtureOutputs, type JournalEntry } from './fixtures/run-fixture.ts'
import { fixtureTemplate } from './fixtures/template.ts'

// Issue 17, defect 8: the outbox republished the whole events stream after every restart
// (1,380 publishes for 500 events over three restarts): the mapping's position was not kept.
describe('a DynamoDB Streams mapping restarted on the same --data-dir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stream-positions-'))
  const journalFile = join(dir, 'journal.ndjson')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** The keys the stream function was invoked with, every batch in order. */
  const streamed = () =>
    readFileSync(journalFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as JournalEntry)
      .filter((entry) => entry.env.FIXTURE_NAME === 'stream-worker')
      .flatMap((entry) => entry.ids)

  /** The embedded AWS, the fixture stack and its mappings, on the folder; puts `keys`; stops. */
  async function run(keys: readonly string[], seen: number) {
    const aws = await startEmbeddedAws({ port: 0, dataDir: join(dir, 'aws') })
    const dynamodb = new DynamoDBClient(emulatorClientConfig(aws.endpoint))
    try {
      const plan = planProvisioning(
        fixtureTemplate(journalFile, { stream: { batchingWindow: 0 } }),
        {
          stackName: 'StreamPositions',
          region: 'us-east-1',
          accountId: emulatorAccountId,
        },
      )
      const stack = await provision(plan, { endpoint: aws.endpoint })
      const running = await startEventSourceMappings({
        stack,
        projectRoot: process.cwd(),
        waitTimeSeconds: 1,
        dataDir: join(dir, 'lambda'),
      })
      try {
        const { TableName } = stack.outputs as unknown as FixtureOutputs
        for (const pk of keys) {
          await dynamodb.send(
            new PutItemCommand({ TableName, Item: { pk: { S: pk }, action: { S: 'ok' } } }),
          )
        }
        await eventually(`${seen} stream records delivered`, () => {
          try {
            return streamed().length >= seen
          } catch {
            return false
          }
        })
        // Time for a mapping that starts over to deliver the old records again.
        await new Promise((resolve) => setTimeout(resolve, 1_500))
      } finally {
        await running.stop()
      }
    } finally {
      dynamodb.destroy()
      await aws.stop()
    }
  }

  it('goes on after what it delivered before, instead of from TRIM_HORIZON', {
    timeout: 90_000,
  }, async () => {
    await run(['a', 'b', 'c'], 3)
    expect(streamed()).toEqual(['a', 'b', 'c'])
    await run(['d'], 4)
    expect(streamed()).toEqual(['a', 'b', 'c', 'd'])
    await run([], 4)
    expect(streamed()).toEqual(['a', 'b', 'c', 'd'])
  })
})
