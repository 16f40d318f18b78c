import type { BatchScope } from './batch-scope.ts'
import type { ConsumerRuntime } from './consumer-runtime.ts'
import type { Acquisition } from './idempotency-record.ts'
import {
  type Held,
  type Invalid,
  type Leased,
  notStarted,
  type Refused,
  type Valid,
} from './record-state.ts'

/**
 * Lease: takes the leases of the batch's valid records together (one TransactWriteItems
 * for up to 100), so the idempotency cost is two requests a batch, not two a record. With
 * leases off, one read of the batch's records instead (duplicates skipped before handling)
 * and unheld locks, which their completion's condition fences.
 * Copies of one event share its acquisition. All or nothing: when asking fails, every
 * valid record carries that error. Nothing is asked once time has run short.
 */
export async function takeLeases(
  runtime: ConsumerRuntime,
  records: readonly (Invalid | Valid)[],
  batch: BatchScope,
): Promise<Leased[]> {
  const keys = records.flatMap((state) => (state.state === 'valid' ? [state.key] : []))
  if (keys.length === 0) return records.filter((state) => state.state === 'invalid')
  if (!batch.timeLeft()) return records.map((state) => notStarted(state))
  let answerFor: (key: string) => Answer
  try {
    const acquisitions = await batch.trace.phase(
      'idempotency lease',
      records.flatMap((state) => (state.state === 'valid' ? [state.record] : [])),
      () =>
        runtime.config.leases
          ? runtime.store.acquireMany(keys, batch.leaseSeconds())
          : runtime.store.lookMany(keys, batch.leaseSeconds()),
    )
    answerFor = (key) =>
      acquisitions.get(key) ?? { status: 'failed', error: new Error(`${key} was not acquired`) }
  } catch (error) {
    answerFor = () => ({ status: 'failed', error })
  }
  return records.map((state) =>
    state.state === 'invalid' ? state : lease(state, answerFor(state.key)),
  )
}

type Answer = Acquisition | { readonly status: 'failed'; readonly error: unknown }

function lease(state: Valid, answer: Answer): Held | Refused {
  if (answer.status === 'acquired') return { ...state, state: 'held', lock: answer.lock }
  return { ...state, state: 'refused', refusal: answer }
}
