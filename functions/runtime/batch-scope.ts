import type { Context, SQSRecord } from 'aws-lambda'
import { type BatchTrace, traceBatch } from './batch-trace.ts'
import type { ConsumerRuntime } from './consumer-runtime.ts'
import { runtimeDefaults } from './runtime-defaults.ts'

/** One invocation's batch: its time, its queue kind, and the lease its records take. */
export interface BatchScope {
  readonly lambdaContext: Context | undefined
  /** Aborted when less than `deadlineMarginMs` is left of the invocation. */
  readonly signal: AbortSignal
  /**
   * A FIFO queue's records keep their group's order. Standard (fair) queues may carry a
   * MessageGroupId too, but promise no order, so their records run in parallel.
   */
  readonly fifo: boolean
  /** The batch's spans (no-ops when tracing is off). */
  readonly trace: BatchTrace
  /** False once less than `deadlineMarginMs` is left: records not started then never are. */
  timeLeft(): boolean
  /** Lease for a record started now, whole seconds. */
  leaseSeconds(): number
  /** Stops the clock (call once the handlers are done). */
  close(): void
}

/** Starts a batch's clock: the deadline is the invocation's end less `deadlineMarginMs`. */
export function openBatch(
  runtime: ConsumerRuntime,
  records: readonly SQSRecord[],
  lambdaContext: Context | undefined,
): BatchScope {
  const { config, now } = runtime
  const remaining = lambdaContext?.getRemainingTimeInMillis?.()
  const deadline =
    remaining === undefined ? Number.POSITIVE_INFINITY : now() + remaining - config.deadlineMarginMs
  const timeout = new AbortController()
  const timer = Number.isFinite(deadline)
    ? setTimeout(
        () => timeout.abort(new Error('the invocation is about to time out')),
        Math.max(0, deadline - now()),
      )
    : undefined
  timer?.unref()
  return {
    lambdaContext,
    signal: timeout.signal,
    // Stryker disable next-line OptionalChaining: processBatch never opens an empty batch
    fifo: records[0]?.eventSourceARN.endsWith('.fifo') ?? false,
    trace: traceBatch(config.name, records),
    timeLeft: () => now() < deadline,
    leaseSeconds: () =>
      config.leaseSeconds ??
      (lambdaContext?.getRemainingTimeInMillis
        ? Math.max(1, Math.ceil(lambdaContext.getRemainingTimeInMillis() / 1000))
        : runtimeDefaults.leaseSeconds),
    close: () => {
      if (timer) clearTimeout(timer)
    },
  }
}
