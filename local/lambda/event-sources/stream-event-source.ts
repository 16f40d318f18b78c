import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams'
import type { SNSClient } from '@aws-sdk/client-sns'
import type { SQSClient } from '@aws-sdk/client-sqs'
import type { DynamoDBRecord } from 'aws-lambda'
import type { LocalTransport } from '../../../contracts/local-transport.ts'
import { emulatorClientConfig } from '../../client-config.ts'
import { localDefaults } from '../../defaults.ts'
import type { StreamMappingDefinition } from '../event-source-mapping-definitions.ts'
import type { LocalFunction } from '../local-function.ts'
import { abortableSleep } from './abortable-sleep.ts'
import type { BatchListener } from './batch-outcome.ts'
import { failedItems } from './batch-response.ts'
import { matchesPattern } from './event-pattern.ts'
import { type DiscardCondition, sendToDestination } from './on-failure-destination.ts'
import { memoryCheckpoints, type StreamCheckpoints } from './stream-checkpoints.ts'
import { toStreamRecord } from './stream-records.ts'

export interface StreamEventSourceOptions {
  readonly mapping: StreamMappingDefinition
  readonly fn: Pick<LocalFunction, 'invoke' | 'definition'>
  readonly endpoint: string
  /** Where DynamoDB Streams is read, if not at `endpoint`. @default - `endpoint` */
  readonly streamsEndpoint?: string
  readonly region: string
  /** The embedded AWS's in-process transport, instead of HTTP. @default - HTTP */
  readonly transport?: LocalTransport
  /** Clients for on-failure destinations. */
  readonly destinations: { readonly sqs: SQSClient; readonly sns: SNSClient }
  /** How often an idle shard is polled, in ms. @default 250 (`localDefaults.streamPollIntervalMs`, Lambda polls 4 times a second) */
  readonly pollIntervalMs?: number
  /** How often the stream is described to find new shards, in ms. @default 5000 (`localDefaults.shardDiscoveryMs`) */
  readonly shardDiscoveryMs?: number
  /** Where the mapping keeps its position in each shard. @default - in memory (`memoryCheckpoints`) */
  readonly checkpoints?: StreamCheckpoints
  readonly onBatch?: BatchListener
  readonly onError?: (error: unknown) => void
}

/** Records still to be retried, with how many times they failed (bisecting does not count). */
interface PendingBatch {
  readonly records: readonly DynamoDBRecord[]
  readonly failures: number
}

/**
 * A DynamoDB Streams event source mapping, as Lambda runs it: each shard is read in order
 * from the starting position (shards that appear later, from their start), or after the
 * last record the mapping settled there (its checkpoint, kept across restarts), one batch at a
 * time (up to the batch size, until the batching window closes). Records the filter
 * criteria reject are skipped. A failed batch is retried, in order, before anything after
 * it: with ReportBatchItemFailures from the lowest failed sequence number; with
 * BisectBatchOnFunctionError split in two halves (which does not count as a retry); after
 * MaximumRetryAttempts retries, or once a record is older than MaximumRecordAgeInSeconds,
 * the records are discarded and an invocation record goes to the on-failure destination.
 */
export class StreamEventSource {
  readonly #options: StreamEventSourceOptions
  readonly #client: DynamoDBStreamsClient
  readonly #abort = new AbortController()
  readonly #shards = new Map<string, Promise<void>>()
  readonly #finished = new Set<string>()
  readonly #checkpoints: StreamCheckpoints
  #running: Promise<void> | undefined

  constructor(options: StreamEventSourceOptions) {
    this.#options = options
    this.#checkpoints = options.checkpoints ?? memoryCheckpoints()
    this.#client = new DynamoDBStreamsClient(
      emulatorClientConfig(
        options.streamsEndpoint ?? options.endpoint,
        options.region,
        options.transport,
      ),
    )
  }

  start(): void {
    this.#running ??= this.#discoverShards()
  }

  async stop(): Promise<void> {
    this.#abort.abort()
    await this.#running
    await Promise.all(this.#shards.values())
    this.#client.destroy()
  }

  /** Describes the stream now and then, and starts reading each shard once its parent is done. */
  async #discoverShards(): Promise<void> {
    let first = true
    while (!this.#abort.signal.aborted) {
      try {
        const shards = await this.#describeShards()
        const known = new Set(shards.map((shard) => shard.ShardId))
        for (const shard of shards) {
          const id = shard.ShardId as string
          if (this.#shards.has(id)) continue
          const parent = shard.ParentShardId
          if (parent && known.has(parent) && !this.#finished.has(parent)) continue
          const position: ShardIteratorType = first
            ? this.#options.mapping.startingPosition
            : 'TRIM_HORIZON'
          this.#shards.set(
            id,
            this.#readShard(id, position).finally(() => this.#finished.add(id)),
          )
        }
        first = false
      } catch (error) {
        if (this.#abort.signal.aborted) return
        this.#options.onError?.(error)
      }
      await abortableSleep(
        this.#options.shardDiscoveryMs ?? localDefaults.shardDiscoveryMs,
        this.#abort.signal,
      )
    }
  }

  async #describeShards(): Promise<Shard[]> {
    const shards: Shard[] = []
    let exclusiveStartShardId: string | undefined
    do {
      const { StreamDescription } = await this.#client.send(
        new DescribeStreamCommand({
          StreamArn: this.#options.mapping.streamArn,
          ExclusiveStartShardId: exclusiveStartShardId,
        }),
        { abortSignal: this.#abort.signal },
      )
      shards.push(...(StreamDescription?.Shards ?? []))
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId
    } while (exclusiveStartShardId)
    return shards
  }

  async #readShard(shardId: string, startingPosition: ShardIteratorType): Promise<void> {
    let position = startingPosition
    const { mapping } = this.#options
    const signal = this.#abort.signal
    let iterator: string | undefined
    // The last record read: the checkpoint until this run reads further.
    let lastSequenceNumber = this.#checkpoints.get(mapping.uuid, mapping.streamArn, shardId)
    const buffered: DynamoDBRecord[] = []
    let windowEnds = Number.POSITIVE_INFINITY

    const newIterator = async (): Promise<string | undefined> => {
      const request = this.#client.send(
        new GetShardIteratorCommand({
          StreamArn: mapping.streamArn,
          ShardId: shardId,
          ...(lastSequenceNumber
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: lastSequenceNumber }
            : { ShardIteratorType: position }),
        }),
        { abortSignal: signal },
      )
      try {
        return (await request).ShardIterator
      } catch (error) {
        // The stream trimmed what came after the checkpoint: read from what it still holds.
        if ((error as Error).name !== 'TrimmedDataAccessException' || !lastSequenceNumber)
          throw error
        lastSequenceNumber = undefined
        position = 'TRIM_HORIZON'
        return newIterator()
      }
    }

    while (!signal.aborted) {
      try {
        iterator ??= await newIterator()
        if (!iterator && buffered.length === 0) return // the shard is closed and read to its end
        if (iterator && buffered.length < mapping.batchSize) {
          const { Records = [], NextShardIterator } = await this.#client.send(
            new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
            { abortSignal: signal },
          )
          iterator = NextShardIterator
          for (const record of Records) {
            lastSequenceNumber = record.dynamodb?.SequenceNumber ?? lastSequenceNumber
            buffered.push(toStreamRecord(record, mapping.streamArn, this.#options.region))
          }
          if (buffered.length > 0 && windowEnds === Number.POSITIVE_INFINITY) {
            windowEnds = Date.now() + mapping.maximumBatchingWindowInSeconds * 1000
          }
          if (Records.length === 0 && buffered.length === 0) {
            if (!iterator) return
            await abortableSleep(
              this.#options.pollIntervalMs ?? localDefaults.streamPollIntervalMs,
              signal,
            )
            continue
          }
        }
        const full = buffered.length >= mapping.batchSize || !iterator
        if (!full && Date.now() < windowEnds) {
          await abortableSleep(
            Math.min(
              this.#options.pollIntervalMs ?? localDefaults.streamPollIntervalMs,
              windowEnds - Date.now(),
            ),
            signal,
          )
          continue
        }
        const batch = buffered.splice(0, mapping.batchSize)
        windowEnds = buffered.length > 0 ? Date.now() : Number.POSITIVE_INFINITY
        if (await this.#deliver(shardId, batch)) {
          const settled = batch.at(-1)?.dynamodb?.SequenceNumber
          if (settled) this.#checkpoints.set(mapping.uuid, mapping.streamArn, shardId, settled)
        }
      } catch (error) {
        if (signal.aborted) return
        if (error instanceof ExpiredIteratorException) iterator = undefined
        else this.#options.onError?.(error)
        await abortableSleep(1000, signal)
      }
    }
  }

  /**
   * Delivers one batch, retrying it until it succeeds or is discarded: true once it is
   * settled, false when the mapping stopped first.
   */
  async #deliver(shardId: string, records: readonly DynamoDBRecord[]): Promise<boolean> {
    const { mapping } = this.#options
    const matching = mapping.filterPatterns.length
      ? records.filter((record) => mapping.filterPatterns.some((p) => matchesPattern(p, record)))
      : records
    const filteredOut = records.length - matching.length
    if (matching.length === 0) return true
    const queue: PendingBatch[] = [{ records: matching, failures: 0 }]
    let first = true
    while (queue.length > 0) {
      const batch = queue[0] as PendingBatch
      const tooOld = this.#tooOld(batch.records)
      if (tooOld) {
        queue.shift()
        await this.#discard(shardId, batch, 'RecordAgeExceeded', '', undefined)
        continue
      }
      const invokedAt = Date.now()
      const result = await this.#options.fn.invoke({ Records: batch.records })
      const sequenceNumbers = batch.records.map((r) => r.dynamodb?.SequenceNumber ?? '')
      let remaining: readonly DynamoDBRecord[] = []
      if (!result.ok) remaining = batch.records
      else if (mapping.reportBatchItemFailures) {
        const failed = failedItems(result.response, new Set(sequenceNumbers))
        if (failed === 'batch') remaining = batch.records
        else if (failed.size > 0) {
          // Lambda checkpoints before the lowest failed sequence number and retries from there.
          const from = Math.min(...[...failed].map((id) => sequenceNumbers.indexOf(id)))
          remaining = batch.records.slice(from)
        }
      }
      const succeeded = batch.records.slice(0, batch.records.length - remaining.length)
      this.#options.onBatch?.({
        mappingId: mapping.uuid,
        functionName: mapping.functionName,
        records: batch.records,
        succeeded: new Set(succeeded.map((r) => r.dynamodb?.SequenceNumber ?? '')),
        filteredOut: first ? filteredOut : 0,
        error: result.ok
          ? undefined
          : { errorType: result.errorType, errorMessage: result.errorMessage },
        durationMs: result.durationMs,
        metrics: result.metrics,
        invokedAt,
        settledAt: Date.now(),
      })
      first = false
      queue.shift()
      if (remaining.length === 0) continue
      if (mapping.bisectBatchOnFunctionError && remaining.length > 1) {
        const half = Math.ceil(remaining.length / 2)
        queue.unshift(
          { records: remaining.slice(0, half), failures: batch.failures },
          { records: remaining.slice(half), failures: batch.failures },
        )
        continue
      }
      const failures = batch.failures + 1
      const limit = mapping.maximumRetryAttempts
      if (limit >= 0 && failures > limit) {
        const functionError = result.ok ? undefined : 'Unhandled'
        await this.#discard(
          shardId,
          { records: remaining, failures },
          'RetryAttemptsExhausted',
          result.requestId,
          functionError,
        )
        continue
      }
      queue.unshift({ records: remaining, failures })
      await abortableSleep(Math.min(100 * 2 ** (failures - 1), 2000), this.#abort.signal)
      if (this.#abort.signal.aborted) return false
    }
    return true
  }

  #tooOld(records: readonly DynamoDBRecord[]): boolean {
    const maxAge = this.#options.mapping.maximumRecordAgeInSeconds
    const created = records[0]?.dynamodb?.ApproximateCreationDateTime
    return maxAge >= 0 && created !== undefined && Date.now() / 1000 - created > maxAge
  }

  async #discard(
    shardId: string,
    batch: PendingBatch,
    condition: DiscardCondition,
    requestId: string,
    functionError: string | undefined,
  ): Promise<void> {
    const destination = this.#options.mapping.onFailureDestinationArn
    if (!destination) return
    try {
      await sendToDestination(
        destination,
        {
          condition,
          records: batch.records,
          shardId,
          streamArn: this.#options.mapping.streamArn,
          functionArn: this.#options.fn.definition.functionArn,
          requestId,
          invokeCount: batch.failures,
          functionError,
        },
        { ...this.#options.destinations, endpoint: this.#options.endpoint },
      )
    } catch (error) {
      this.#options.onError?.(error)
    }
  }
}
