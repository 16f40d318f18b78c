import type { Lock } from './idempotency-record.ts'
import type { IdempotencyStore } from './idempotency-store.ts'
import type { Leased, RecordState } from './record-state.ts'

/**
 * Gives back the leases the batch took but never used: those of events no copy of which
 * started (time ran short, or their FIFO group stopped). `leased` and `settled` are the
 * batch's records in order.
 */
export async function giveBackUnused(
  store: IdempotencyStore,
  leased: readonly Leased[],
  settled: readonly RecordState[],
): Promise<void> {
  const started = new Set(
    leased.flatMap((state, index) =>
      'key' in state && settled[index]?.state !== 'not-started' ? [state.key] : [],
    ),
  )
  const unused = new Map<string, Lock>() // one per event, however many copies
  for (const state of leased) {
    if (state.state === 'held' && !started.has(state.key)) unused.set(state.key, state.lock)
  }
  if (unused.size > 0) await store.abandon([...unused.values()])
}
