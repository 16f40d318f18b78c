import type { ConsumerResources, PipelineResources } from '../../contracts/outputs.ts'
import type { SpanRecord } from '../../contracts/trace-context.ts'
import type { TemplateDocument } from '../../local/pipeline/pipeline-routes.ts'
import type { DeadLetter } from '../dlq-messages.ts'
import type { Target } from '../target.ts'

/** A queue's approximate message counts. */
export interface QueueDepth {
  /** Waiting to be received. */
  readonly visible: number
  /** Received and not yet deleted (being processed, or waiting out a visibility timeout). */
  readonly inFlight: number
  /** Sent with a delay that has not passed yet. */
  readonly delayed: number
}

/** What a consumer's runtime has done, as far as the target can tell; null where it cannot. */
export interface ConsumerFigures {
  /** Age of the oldest message on the consumer's queue. */
  readonly oldestAgeSeconds: number | null
  /**
   * Records processed (embedded: since `npm start`; AWS: in the last hour, from CloudWatch):
   * the runtime's `processed` metric, so neither duplicates nor dead-lettered records.
   */
  readonly processed: number | null
  /** Duplicates the runtime skipped, counted as `processed` is. */
  readonly duplicates: number | null
  /** Records the runtime sent to the DLQ itself, counted as `processed` is. */
  readonly deadLetteredRecords: number | null
  /** Records given back to be received again (a failure retried), counted as `processed` is. */
  readonly retried: number | null
  /** Age of each processed record's event when it was processed (`eventAge`): processed records only. */
  readonly latencyP50Ms: number | null
  readonly latencyP99Ms: number | null
}

/** A subscription's filter policy, as SNS keeps it. */
export interface SubscriptionFilter {
  /** Parsed FilterPolicy; undefined when the subscription has none (it takes every event). */
  readonly policy: Record<string, unknown> | undefined
  /** `MessageAttributes` (the default) or `MessageBody`. */
  readonly scope: string
}

/** What a consumer's idempotency record `<consumer>#<eventId>` says; times ISO 8601. */
export interface IdempotencyRecord {
  readonly status: string
  readonly completedAt?: string
  readonly leaseExpiresAt?: string
  /** Failed attempts counted by the runtime. */
  readonly failures?: number
  readonly firstFailureAt?: string
  readonly lastFailureAt?: string
  readonly expiresAt?: string
}

/**
 * The stack's resources as its template declares them (references to other resources as
 * `Ref` and `Fn::GetAtt`), each with its physical id: what `Ref` gives, a queue's URL, a
 * table's or function's name, a topic's ARN. The embedded pipeline serves it in this shape.
 */
export type StackTemplate = TemplateDocument

/** An events-table item with this event id, or caused by this event. */
export interface StoredEventPlace {
  readonly streamId: string
  readonly streamVersion: number
  readonly eventId: string
  readonly eventType: string
  readonly origin: string | null
  readonly timestamp: string | null
}

/**
 * How the CLI reads a pipeline on one target. One implementation per kind of target
 * (`pipelineReader` picks it): what every target serves through the AWS APIs is read the same
 * way; the stack outputs and the runtime's figures come from the running `pipeline dev` on
 * the embedded target, and from CloudFormation and CloudWatch elsewhere.
 */
export interface PipelineReader {
  readonly target: Target
  /** The pipeline's resources, from its stack's outputs; a CliError when there is no pipeline. */
  resources(): Promise<PipelineResources>
  queueDepth(queueUrl: string): Promise<QueueDepth>
  /** Each consumer's figures, in the order given. */
  consumerFigures(consumers: readonly ConsumerResources[]): Promise<ConsumerFigures[]>
  /**
   * The age of the oldest message per queue name, without touching the messages; a queue
   * whose age is not known is absent. Never throws: ages are a nicety beside the counts.
   */
  oldestMessageAges(queueNames: readonly string[]): Promise<Map<string, number>>
  /** Each subscription of the topic by its endpoint (a queue ARN for SQS). */
  subscriptionFilters(topicArn: string): Promise<Map<string, SubscriptionFilter>>
  /** Up to `limit` messages of a DLQ, read without consuming them (see `peekDeadLetters`). */
  deadLetters(queueUrl: string, queue: DeadLetter['queue'], limit: number): Promise<DeadLetter[]>
  /** A consumer's idempotency record of an event, or null. */
  idempotencyRecord(
    table: string,
    consumer: string,
    eventId: string,
  ): Promise<IdempotencyRecord | null>
  /**
   * The events-table items with this event id, and those it caused (`causationId`). A Scan:
   * the table is keyed by stream, not by event.
   */
  storedEventPlaces(
    table: string,
    eventId: string,
  ): Promise<{ stored: StoredEventPlace[]; caused: StoredEventPlace[] }>
  /**
   * The OpenTelemetry spans of the traces an event is part of, where the target keeps them
   * (the local pipeline's span store); null where it keeps none (tracing off, or spans sent
   * to a tracing backend, which is where to look for them).
   */
  spans(eventId: string): Promise<readonly SpanRecord[] | null>
  /** The stack's template and each resource's physical id (the console's topology). */
  stackTemplate(): Promise<StackTemplate>
}
