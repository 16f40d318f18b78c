import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import {
  eventually,
  type FixtureOutputs,
  type RunningFixture,
  runFixture,
} from './fixtures/run-fixture.ts'
import type { FixtureOptions } from './fixtures/template.ts'

const embedded = useEmbeddedAws()
let dynamodb: DynamoDBClient
let sqs: SQSClient
let fixture: RunningFixture | undefined

beforeAll(() => {
  dynamodb = new DynamoDBClient(emulatorClientConfig(embedded.endpoint))
  sqs = new SQSClient(emulatorClientConfig(embedded.endpoint))
})
afterAll(() => {
  dynamodb.destroy()
  sqs.destroy()
})
afterEach(async () => {
  await fixture?.stop()
  fixture = undefined
})

async function start(
  stream: FixtureOptions['stream'],
  beforeStart?: (outputs: FixtureOutputs) => Promise<void>,
): Promise<RunningFixture> {
  fixture = await runFixture(embedded.endpoint, { stream }, beforeStart)
  return fixture
}

function put(table: string, pk: string, action = 'ok') {
  return dynamodb.send(
    new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, action: { S: action } } }),
  )
}

/** The keys of each batch the stream function was invoked with, in order. */
function batches(f: RunningFixture): string[][] {
  return f
    .journal()
    .filter((entry) => entry.env.FIXTURE_NAME === 'stream-worker')
    .map((entry) => [...entry.ids])
}

async function receiveOne(queueUrl: string): Promise<Record<string, unknown>> {
  const message = await eventually(`a message on ${queueUrl}`, async () => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
    )
    return Messages[0]
  })
  return JSON.parse(message.Body ?? '{}')
}

describe('DynamoDB Streams event source mapping', () => {
  it('bisects a failing batch to isolate the bad record, retries it, then sends its metadata to the on-failure destination', async () => {
    const f = await start({ batchingWindow: 1, bisect: true, maximumRetryAttempts: 1 })
    const { TableName, StreamFailuresUrl } = f.outputs
    for (const [pk, action] of [['a'], ['b'], ['c', 'throw'], ['d']] as const) {
      await put(TableName, pk, action)
    }

    const record = await receiveOne(StreamFailuresUrl)
    await eventually('d to be processed', () => batches(f).some((b) => b.join() === 'd'))
    expect(batches(f)).toEqual([['a', 'b', 'c', 'd'], ['a', 'b'], ['c', 'd'], ['c'], ['c'], ['d']])
    const c = f.outcomes.find((o) => o.records.length === 1 && o.succeeded.size === 0)
    const cRecord = c?.records[0] as { dynamodb: { SequenceNumber: string } } | undefined
    const cSequence = cRecord?.dynamodb.SequenceNumber
    expect(cSequence).toMatch(/^\d+$/)
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: {
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 2,
        functionArn: expect.stringMatching(/:function:.*StreamWorker$/),
      },
      responseContext: { functionError: 'Unhandled' },
      DDBStreamBatchInfo: {
        batchSize: 1,
        startSequenceNumber: cSequence,
        endSequenceNumber: cSequence,
        streamArn: f.stack.resources.find((r) => r.logicalId === 'Table')?.attributes.StreamArn,
      },
    })
  })

  it('with ReportBatchItemFailures, retries from the lowest failed sequence number', async () => {
    const f = await start({
      batchingWindow: 1,
      reportBatchItemFailures: true,
      maximumRetryAttempts: 1,
    })
    const { TableName, StreamFailuresUrl } = f.outputs
    for (const [pk, action] of [['a'], ['b', 'fail'], ['c']] as const) {
      await put(TableName, pk, action)
    }

    const record = await receiveOne(StreamFailuresUrl)
    expect(batches(f)).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
    ])
    expect(record).toMatchObject({ DDBStreamBatchInfo: { batchSize: 2 } })
  })

  it('starts at LATEST and passes only the records its filter criteria match', async () => {
    const f = await start(
      { startingPosition: 'LATEST', filter: { eventName: ['INSERT'] } },
      (outputs) => put(outputs.TableName, 'before-start').then(() => undefined),
    )
    const { TableName } = f.outputs
    let n = 0
    // The mapping takes its LATEST position once it is running: write until a record arrives.
    const first = await eventually('a record written after the mapping started', async () => {
      await put(TableName, `after-${++n}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
      return batches(f).flat()[0]
    })
    await dynamodb.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk: { S: first } },
        UpdateExpression: 'SET #action = :a',
        ExpressionAttributeNames: { '#action': 'action' },
        ExpressionAttributeValues: { ':a': { S: 'modified' } },
      }),
    )
    await put(TableName, 'last')
    await eventually('the last insert', () => batches(f).flat().includes('last'))
    const seen = batches(f).flat()
    expect(seen).not.toContain('before-start')
    expect(seen.filter((pk) => pk === first)).toHaveLength(1)
  })
})
