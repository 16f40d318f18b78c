import type { Logger } from '@aws-lambda-powertools/logger'
import type { Metrics } from '@aws-lambda-powertools/metrics'
import type { SQSClient } from '@aws-sdk/client-sqs'
import type { Context, SQSRecord } from 'aws-lambda'
import type { EventDefinition } from '../catalogue/define-event.ts'
import type { EventEnvelope } from '../catalogue/envelope.ts'
import type { EffectWrites, IdempotencyStore } from './idempotency-store.ts'
import type { RecordLogger } from './record-logger.ts'
import type { RuntimeConfig } from './resolve-config.ts'

/** What a handler gets besides its event. */
export interface HandlerContext {
  readonly record: SQSRecord
  /** This receive of the message: 1 on the first (ApproximateReceiveCount). */
  readonly attempt: number
  /** Logs with this record's eventId, correlationId and messageId. */
  readonly logger: RecordLogger
  /** Aborted when the invocation is about to run out of time. */
  readonly signal: AbortSignal
  readonly lambdaContext: Context | undefined
}

/**
 * A handler: returns nothing, or DynamoDB writes that the runtime commits with the
 * idempotency record in one transaction (exactly-once effects).
 */
export type EventHandler<TEvent> = (
  event: TEvent,
  context: HandlerContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: an async handler that returns nothing is Promise<void>
) => Promise<EffectWrites | undefined | void>

/** Everything one consumer needs to process records, built once per process. */
export interface ConsumerRuntime {
  readonly config: RuntimeConfig
  readonly definitions: ReadonlyMap<string, EventDefinition>
  readonly handle: EventHandler<EventEnvelope>
  readonly store: IdempotencyStore
  /** The SQS client, made (and its package loaded) when a failed record first needs it. */
  readonly sqs: () => Promise<SQSClient>
  readonly logger: Logger
  readonly metrics: Metrics
  /** Epoch milliseconds. */
  readonly now: () => number
  readonly random: () => number
}
