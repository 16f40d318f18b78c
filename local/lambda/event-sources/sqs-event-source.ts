import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import type { SQSRecord } from 'aws-lambda'
import { localDefaults } from '../../defaults.ts'
import type { SqsMappingDefinition } from '../event-source-mapping-definitions.ts'
import type { LocalFunction } from '../local-function.ts'
import { abortableSleep } from './abortable-sleep.ts'
import type { BatchListener } from './batch-outcome.ts'
import { failedItems } from './batch-response.ts'
import { matchesPattern, sqsFilterDocument } from './event-pattern.ts'
import { toSqsRecord } from './sqs-records.ts'

export interface SqsEventSourceOptions {
  readonly mapping: SqsMappingDefinition
  readonly fn: Pick<LocalFunction, 'invoke'>
  readonly sqs: SQSClient
  readonly region: string
  /** Concurrent batches (pollers), each invoking the function with one batch at a time. */
  readonly concurrency: number
  /** Long-poll wait of each ReceiveMessage, in seconds. @default 20 (`localDefaults.longPollSeconds`, Lambda's) */
  readonly waitTimeSeconds?: number
  readonly onBatch?: BatchListener
  /** Called when polling or deleting fails (the poller retries). */
  readonly onError?: (error: unknown) => void
}

/** Lambda's limit on the payload of one synchronous invocation. */
const maxPayloadBytes = 6 * 1024 * 1024

/**
 * An SQS event source mapping, as Lambda runs it: `concurrency` pollers long-poll the
 * queue and gather a batch (up to the batch size, until the batching window closes, within
 * 6 MB), drop (delete) the messages the filter criteria reject, invoke the function, and
 * delete what succeeded. With ReportBatchItemFailures, the records named in
 * `batchItemFailures` stay on the queue; a failed invocation (an error, a timeout, or an
 * invalid partial-batch response) leaves the whole batch, which SQS makes visible again
 * after the visibility timeout and moves to the DLQ after `maxReceiveCount` receives.
 * After a failed invocation the poller backs off, as Lambda scales a failing mapping down.
 */
export class SqsEventSource {
  readonly #options: SqsEventSourceOptions
  readonly #abort = new AbortController()
  #pollers: Promise<void>[] = []

  constructor(options: SqsEventSourceOptions) {
    this.#options = options
  }

  start(): void {
    if (this.#pollers.length > 0) return
    for (let i = 0; i < this.#options.concurrency; i++) this.#pollers.push(this.#poll())
  }

  /** Stops polling and waits for batches being processed to settle. */
  async stop(): Promise<void> {
    this.#abort.abort()
    await Promise.all(this.#pollers)
  }

  async #poll(): Promise<void> {
    let backoffMs = 0
    let carried: Promise<Message[]> | undefined
    while (!this.#abort.signal.aborted) {
      try {
        const taken = carried
        carried = undefined
        const gathered = await this.#gatherBatch(taken)
        carried = gathered.carried
        if (gathered.batch.length === 0) continue
        const ok = await this.#process(gathered.batch)
        backoffMs = ok ? 0 : Math.min(Math.max(backoffMs * 2, 250), 4000)
      } catch (error) {
        if (this.#abort.signal.aborted) return
        this.#options.onError?.(error)
        backoffMs = Math.min(Math.max(backoffMs * 2, 250), 4000)
      }
      if (backoffMs > 0) await abortableSleep(backoffMs, this.#abort.signal)
    }
    // A receive still waiting when polling stopped is aborted with it.
    await carried?.catch(() => [])
  }

  /**
   * Receives until the batch is full, the batching window closes, or the payload limit is near.
   * Every receive is a long poll, which SQS answers as soon as it has a message; its wait is
   * whole seconds, so near the window's end the poll outlasts the window. Then the batch is
   * invoked without it and the receive still in flight is `carried` into the next batch:
   * nothing it returns is lost, and no short-poll loop spins inside the window.
   */
  async #gatherBatch(
    carried: Promise<Message[]> | undefined,
  ): Promise<{ batch: Message[]; carried?: Promise<Message[]> }> {
    const { mapping } = this.#options
    const windowMs = mapping.maximumBatchingWindowInSeconds * 1000
    const batch: Message[] = []
    let bytes = 0
    let windowEnds = Number.POSITIVE_INFINITY
    let receiving =
      carried ??
      this.#receive(
        this.#options.waitTimeSeconds ?? localDefaults.longPollSeconds,
        mapping.batchSize,
      )
    for (;;) {
      const messages =
        batch.length === 0 ? await receiving : await this.#within(receiving, windowEnds)
      if (messages === 'window closed') return { batch, carried: receiving }
      if (batch.length === 0 && messages.length > 0) windowEnds = Date.now() + windowMs
      for (const message of messages) {
        batch.push(message)
        bytes += Buffer.byteLength(message.Body ?? '')
      }
      if (batch.length === 0) return { batch }
      if (batch.length >= mapping.batchSize || bytes >= maxPayloadBytes * 0.9) return { batch }
      const remainingMs = windowEnds - Date.now()
      if (remainingMs <= 0) return { batch }
      receiving = this.#receive(
        Math.min(20, Math.ceil(remainingMs / 1000)),
        mapping.batchSize - batch.length,
      )
    }
  }

  #receive(waitSeconds: number, room: number): Promise<Message[]> {
    return this.#options.sqs
      .send(
        new ReceiveMessageCommand({
          QueueUrl: this.#options.mapping.queueUrl,
          MaxNumberOfMessages: Math.min(10, room),
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: this.#abort.signal },
      )
      .then(({ Messages = [] }) => Messages)
  }

  /** `receiving`'s messages, or 'window closed' if the window closes (or polling stops) first. */
  async #within(
    receiving: Promise<Message[]>,
    windowEnds: number,
  ): Promise<Message[] | 'window closed'> {
    let timer: NodeJS.Timeout | undefined
    const closes = new Promise<'window closed'>((resolve) => {
      timer = setTimeout(() => resolve('window closed'), Math.max(0, windowEnds - Date.now()))
    })
    try {
      return await Promise.race([receiving, closes])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Invokes the function with one batch and deletes what it processed. True unless the invocation failed. */
  async #process(messages: Message[]): Promise<boolean> {
    const { mapping, region } = this.#options
    const records = messages.map((message) => toSqsRecord(message, mapping.queueArn, region))
    const [matching, filteredOut] = this.#filter(records)
    // Lambda deletes the SQS messages its filter criteria reject.
    if (filteredOut.length > 0) await this.#delete(filteredOut)
    if (matching.length === 0) return true

    const invokedAt = Date.now()
    const result = await this.#options.fn.invoke({ Records: matching })
    let succeeded: SQSRecord[] = []
    if (result.ok) {
      const failed = mapping.reportBatchItemFailures
        ? failedItems(result.response, new Set(matching.map((r) => r.messageId)))
        : new Set<string>()
      if (failed !== 'batch') succeeded = matching.filter((r) => !failed.has(r.messageId))
    }
    if (succeeded.length > 0) await this.#delete(succeeded)
    this.#options.onBatch?.({
      mappingId: mapping.uuid,
      functionName: mapping.functionName,
      records: matching,
      succeeded: new Set(succeeded.map((r) => r.messageId)),
      filteredOut: filteredOut.length,
      error: result.ok
        ? undefined
        : { errorType: result.errorType, errorMessage: result.errorMessage },
      durationMs: result.durationMs,
      metrics: result.metrics,
      invokedAt,
      settledAt: Date.now(),
    })
    return result.ok
  }

  #filter(records: SQSRecord[]): [SQSRecord[], SQSRecord[]] {
    const patterns = this.#options.mapping.filterPatterns
    if (patterns.length === 0) return [records, []]
    const matching: SQSRecord[] = []
    const rejected: SQSRecord[] = []
    for (const record of records) {
      const document = sqsFilterDocument(record)
      if (patterns.some((pattern) => matchesPattern(pattern, document))) matching.push(record)
      else rejected.push(record)
    }
    return [matching, rejected]
  }

  async #delete(records: readonly SQSRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 10) {
      const chunk = records.slice(i, i + 10)
      const { Failed = [] } = await this.#options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.#options.mapping.queueUrl,
          Entries: chunk.map((record, j) => ({
            Id: String(j),
            ReceiptHandle: record.receiptHandle,
          })),
        }),
      )
      if (Failed.length > 0) {
        this.#options.onError?.(
          new Error(
            `DeleteMessageBatch on ${this.#options.mapping.queueUrl} failed for ${Failed.length} message(s): ${Failed[0]?.Message}`,
          ),
        )
      }
    }
  }
}
