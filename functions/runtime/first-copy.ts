import {
  type Handled,
  type Held,
  type Refused,
  type Settled,
  type Started,
  settled,
  succeeded,
} from './record-state.ts'

/**
 * `run` for the first copy of each event in the batch; a later copy, in any lane, follows
 * the first: a `duplicate` (counted and logged there) when it succeeded, retried when it
 * did not.
 */
export function firstCopyDecides(
  run: (state: Started) => Promise<Handled | Settled>,
  duplicate: (state: Held | Refused) => Settled,
): (state: Started) => Promise<Handled | Settled> {
  const firstCopies = new Map<string, Promise<Handled | Settled>>()
  return (state) => {
    if (state.state === 'invalid') return run(state)
    const first = firstCopies.get(state.key)
    if (first) {
      return first.then((outcome) =>
        succeeded(outcome)
          ? duplicate(state)
          : settled(state, {
              kind: 'retry',
              error: new Error(`an earlier copy of ${state.key} in this batch did not succeed`),
            }),
      )
    }
    const outcome = run(state)
    firstCopies.set(state.key, outcome)
    return outcome
  }
}
