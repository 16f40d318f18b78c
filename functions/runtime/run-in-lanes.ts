import type { BatchScope } from './batch-scope.ts'
import {
  type Handled,
  type Leased,
  notStarted,
  type Ran,
  type Settled,
  type Started,
  succeeded,
} from './record-state.ts'

/**
 * Runs records lane by lane, at most `concurrency` lanes at once. FIFO: a lane is a
 * message group, run in order, and it stops at its first record that did not succeed (the
 * rest are not started, so order is kept). Standard queues: a lane is one event (its
 * copies one after the other). A record not started before time runs short never is.
 */
export async function runInLanes(
  states: readonly Leased[],
  batch: BatchScope,
  concurrency: number,
  run: (state: Started) => Promise<Handled | Settled>,
): Promise<Ran[]> {
  const results = new Map<Leased, Handled | Settled>()
  const lanes = [...lanesOf(states, batch.fifo).values()]
  const queue = lanes.values() // shared by the workers: each takes the next lane
  const worker = async () => {
    for (const lane of queue) {
      for (const state of lane) {
        if (state.state === 'not-started' || !batch.timeLeft()) break
        const result = await run(state)
        results.set(state, result)
        if (batch.fifo && !succeeded(result)) break
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, lanes.length) }, worker))
  return states.map((state) => results.get(state) ?? notStarted(state))
}

/** Records grouped by lane, lanes in first-seen order, records in order within a lane. */
function lanesOf(states: readonly Leased[], fifo: boolean): Map<string, Leased[]> {
  const lanes = new Map<string, Leased[]>()
  states.forEach((state, index) => {
    const lane = fifo
      ? (state.record.attributes.MessageGroupId ?? '')
      : 'key' in state
        ? state.key
        : `#${index}`
    const records = lanes.get(lane)
    if (records) records.push(state)
    else lanes.set(lane, [state])
  })
  return lanes
}
