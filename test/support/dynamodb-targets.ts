import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb'
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams'
import { afterAll, beforeAll, it } from 'vitest'
import { emulatorClientConfig } from '../../local/client-config.ts'
import { startEmbeddedAws } from '../../local/embedded-aws.ts'
import { motoTarget } from './targets.ts'

/**
 * A DynamoDB implementation the DynamoDB conformance suites run against: the embedded layer,
 * moto (differential reference) and, when configured, real DynamoDB.
 */
export interface DynamoDbTarget {
  readonly name: string
  /** Why it cannot run here, or undefined when it can. */
  readonly skip: string | undefined
  /** Whether conditional writes and transactions are atomic under concurrent requests. */
  readonly atomic: boolean
  /**
   * Behaviours, by conformance check id, where this implementation is known to differ from the
   * DynamoDB API reference, with what it does instead. Those checks are expected to fail on it.
   */
  readonly knownDifferences?: Readonly<Record<string, string>>
  start(): Promise<RunningDynamoDb>
}

export interface RunningDynamoDb {
  readonly ddb: DynamoDBClient
  readonly streams: DynamoDBStreamsClient
  /** Runs the time-to-live sweeper now, where the target lets tests do that (embedded only). */
  readonly sweepExpiredItems?: (now?: Date) => Promise<number>
  stop(): Promise<void>
}

const realEndpoint = process.env.EVENT_PIPELINE_DYNAMODB_ENDPOINT

export const embeddedDynamoDb: DynamoDbTarget = {
  name: 'embedded',
  skip: undefined,
  atomic: true,
  async start() {
    const aws = await startEmbeddedAws({ port: 0, dynamoDbTtlSweepIntervalMs: 0 })
    return {
      ...clients(emulatorClientConfig(aws.endpoint)),
      sweepExpiredItems: (now) => aws.dynamodb.sweepExpiredItems(now),
      stop: () => aws.stop(),
    }
  },
}

export const motoDynamoDb: DynamoDbTarget = {
  name: 'moto',
  skip: motoTarget.skip,
  // moto's conditional writes are not atomic under concurrent requests.
  atomic: false,
  knownDifferences: {
    'transact-write-empty': 'accepts an empty TransactItems list (the API requires 1 to 100)',
    'transact-write-4mb': 'accepts items over 4 MB in aggregate',
    'transact-write-token':
      'ignores ClientRequestToken: a repeat writes again, a changed request is accepted',
    'transact-get-projection': 'ignores ProjectionExpression in TransactGetItems',
    'transact-get-same-item': 'accepts two gets of one item in TransactGetItems',
    'return-values-on-failure-enum':
      'accepts a ReturnValuesOnConditionCheckFailure outside ALL_OLD and NONE',
    'ttl-repeat': 'accepts enabling time to live twice and disabling it when it is off',
    'ttl-missing-table':
      "answers 'ResourceNotFound', not ResourceNotFoundException, for a missing table",
    'streams-no-op-writes': 'records a MODIFY for a write that changed nothing',
    'streams-update-table':
      'answers ResourceInUseException, not ValidationException, to enabling an enabled stream',
    'streams-spec-validation': 'accepts StreamEnabled without a StreamViewType',
    'error-dialect':
      'answers com.amazonaws.dynamodb.v20120810#ValidationException, not com.amazon.coral.validate#ValidationException',
    'streams-iterator-validation':
      'accepts AT_SEQUENCE_NUMBER without a SequenceNumber, or a malformed shard iterator',
  },
  async start() {
    const moto = await motoTarget.start()
    return { ...clients(emulatorClientConfig(moto.endpoint)), stop: () => moto.stop() }
  },
}

/**
 * Real DynamoDB (or any endpoint): set EVENT_PIPELINE_DYNAMODB_ENDPOINT (for example
 * https://dynamodb.eu-west-1.amazonaws.com) and credentials in the usual AWS_* variables or
 * profile. The suites create and delete their own uniquely named tables.
 */
export const realDynamoDb: DynamoDbTarget = {
  name: 'aws',
  skip: realEndpoint
    ? undefined
    : 'EVENT_PIPELINE_DYNAMODB_ENDPOINT is not set (point it at a real DynamoDB endpoint, with AWS credentials, to run the suite against AWS)',
  atomic: true,
  async start() {
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1'
    return { ...clients({ endpoint: realEndpoint, region }), stop: async () => {} }
  },
}

/**
 * A conformance check: an ordinary test, or, on a target with a known difference for `id`, a
 * test expected to fail (`it.fails`), so the difference stays visible and a fix is noticed.
 */
export function conformance(target: DynamoDbTarget) {
  return (id: string, title: string, fn: () => Promise<void>, timeout?: number) => {
    const difference = target.knownDifferences?.[id]
    if (difference)
      it.fails(`${title} [known difference on ${target.name}: ${difference}]`, fn, timeout)
    else it(title, fn, timeout)
  }
}

export const dynamoDbTargets: readonly DynamoDbTarget[] = [
  embeddedDynamoDb,
  motoDynamoDb,
  realDynamoDb,
]

function clients(config: DynamoDBClientConfig) {
  const shared = { ...config, maxAttempts: 1 }
  return {
    ddb: new DynamoDBClient(shared),
    streams: new DynamoDBStreamsClient(shared),
  }
}

/**
 * Starts a target for the calling `describe` block and stops it after; tables created with
 * `createTable` are deleted then too (they cost money on AWS).
 */
export function useDynamoDb(target: DynamoDbTarget) {
  let running: RunningDynamoDb | undefined
  const tables: string[] = []
  beforeAll(async () => {
    running = await target.start()
  })
  afterAll(async () => {
    if (!running) return
    for (const TableName of tables) {
      await running.ddb.send(new DeleteTableCommand({ TableName })).catch(() => undefined)
    }
    await running.stop()
  })
  const get = (): RunningDynamoDb => {
    if (!running)
      throw new Error('useDynamoDb: the target starts in beforeAll; use it inside tests')
    return running
  }
  return {
    get ddb() {
      return get().ddb
    },
    get streams() {
      return get().streams
    },
    get running() {
      return get()
    },
    /** Creates a uniquely named table and waits until it is ACTIVE; returns its name. */
    async createTable(
      input: Omit<CreateTableCommandInput, 'TableName'> & { TableName?: string },
    ): Promise<string> {
      const TableName = `${input.TableName ?? 'test'}-${crypto.randomUUID().slice(0, 8)}`
      await get().ddb.send(
        new CreateTableCommand({ BillingMode: 'PAY_PER_REQUEST', ...input, TableName }),
      )
      tables.push(TableName)
      await waitUntilActive(get().ddb, TableName)
      return TableName
    },
  }
}

/** Polls DescribeTable every 50 ms (the SDK's waiter sleeps a whole second) until ACTIVE. */
async function waitUntilActive(ddb: DynamoDBClient, TableName: string): Promise<void> {
  const deadline = Date.now() + 120_000
  for (;;) {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }))
    if (Table?.TableStatus === 'ACTIVE') return
    if (Date.now() > deadline) throw new Error(`table ${TableName} is not ACTIVE after 120 s`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A table keyed by a string `pk`, the shape most tests use. */
export const pkTable = {
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
} as const satisfies Partial<CreateTableCommandInput>
