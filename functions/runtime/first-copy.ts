import { type Handled, type Settled, type Started, settled, succeeded } from './record-state.ts'

/**
 * `run` for the first copy of each event in the batch; a later copy, in any lane, follows
 * the first: a duplicate when it succeeded, retried when it did not.
 */
export function firstCopyDecides(
  run: (state: Started) => Promise<Handled | Settled>,
): (state: Started) => Promise<Handled | Settled> {
  const firstCopies = new Map<string, Promise<Handled | Settled>>()
  return (state) => {
    if (state.state === 'invalid') return run(state)
    const first = firstCopies.get(state.key)
    if (first) {
      return first.then((outcome) =>
        settled(
          state,
          succeeded(outcome)
            ? { kind: 'duplicate' }
            : {
                kind: 'retry',
                error: new Error(`an earlier copy of ${state.key} in this batch did not succeed`),
              },
        ),
      )
    }
    const outcome = run(state)
    firstCopies.set(state.key, outcome)
    return outcome
  }
}
