import type { BatchScope } from './batch-scope.ts'
import type { ConsumerRuntime } from './consumer-runtime.ts'
import { processed } from './processed.ts'
import {
  type Failed,
  failed,
  type Handled,
  type NotStarted,
  type Ran,
  type Settled,
} from './record-state.ts'

/**
 * Complete: one TransactWriteItems completes the batch's handled records, each on the
 * condition that its owner token still holds the lease (a stale owner cannot complete).
 * A record whose completion failed is failed, its lease still to release.
 */
export async function completeHandled(
  runtime: ConsumerRuntime,
  states: readonly Ran[],
  batch: Pick<BatchScope, 'trace'>,
): Promise<(Settled | Failed | NotStarted)[]> {
  const handled = states.filter((state) => state.state === 'handled')
  const completions =
    handled.length > 0
      ? await batch.trace.phase(
          'idempotency complete',
          handled.map((state) => state.record),
          () => complete(runtime, handled),
        )
      : new Map()
  return states.map((state) => {
    if (state.state !== 'handled') return state
    const completion = completions.get(state.key)
    return completion === 'completed'
      ? processed(runtime, state, state.durationMs)
      : failed(state, completion, state.lock)
  })
}

/** Each record's completion, or the error of a request that failed for them all. */
async function complete(
  runtime: ConsumerRuntime,
  handled: readonly Handled[],
): Promise<ReadonlyMap<string, 'completed' | Error>> {
  try {
    return await runtime.store.completeMany(handled.map((state) => state.lock))
  } catch (error) {
    return new Map(handled.map((state) => [state.key, error as Error]))
  }
}
