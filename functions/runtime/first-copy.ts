import {
  type Handled,
  type Held,
  type Refused,
  type Settled,
  type Started,
  succeeded,
} from './record-state.ts'

/**
 * `run` for the first copy of each event in the batch; a later copy, in any lane, follows
 * the first: a `duplicate` (counted and logged there) when it succeeded, retried with it
 * when it did not (`retry`, given the first copy's delay when it had one).
 */
export function firstCopyDecides(
  run: (state: Started) => Promise<Handled | Settled>,
  duplicate: (state: Held | Refused) => Settled,
  retry: (
    state: Held | Refused,
    error: Error,
    delaySeconds: number | undefined,
  ) => Promise<Settled>,
): (state: Started) => Promise<Handled | Settled> {
  const firstCopies = new Map<string, Promise<Handled | Settled>>()
  return (state) => {
    if (state.state === 'invalid') return run(state)
    const first = firstCopies.get(state.key)
    if (first) {
      return first.then((outcome) =>
        succeeded(outcome)
          ? duplicate(state)
          : retry(
              state,
              new Error(`an earlier copy of ${state.key} in this batch did not succeed`),
              outcome.state === 'settled' && outcome.outcome.kind === 'retry'
                ? outcome.outcome.delaySeconds
                : undefined,
            ),
      )
    }
    const outcome = run(state)
    firstCopies.set(state.key, outcome)
    return outcome
  }
}
