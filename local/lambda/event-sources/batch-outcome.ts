import type { EmfMetrics } from '../invocation.ts'

/** What became of one batch an event source mapping handed its function. */
export interface BatchOutcome {
  readonly mappingId: string
  readonly functionName: string
  /** The records the function was invoked with (SQS or DynamoDB Streams records). */
  readonly records: readonly unknown[]
  /** The identifiers (SQS message id, stream sequence number) of the records that succeeded. */
  readonly succeeded: ReadonlySet<string>
  /** Records the filter criteria left out: never given to the function. */
  readonly filteredOut: number
  /** The invocation's error, when it failed as a whole. */
  readonly error: { readonly errorType: string; readonly errorMessage: string } | undefined
  readonly durationMs: number
  /** The metrics the invocation emitted (EMF), as CloudWatch would have them. */
  readonly metrics: EmfMetrics
  /** Epoch ms when the function was invoked with the batch (its records gathered and filtered). */
  readonly invokedAt: number
  /** Epoch ms when the batch settled: its successes deleted (SQS) or checkpointed (streams). */
  readonly settledAt: number
}

export type BatchListener = (outcome: BatchOutcome) => void
