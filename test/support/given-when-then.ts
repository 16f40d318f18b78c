import { expect } from 'vitest'
import type { Decider } from '../../functions/event-store/index.ts'

type ErrorClass = abstract new (...args: never[]) => Error

/**
 * Given/when/then for a decider (Emmett's DeciderSpecification): the given events are folded
 * with `evolve` from `initialState()`, the command goes to `decide`, and the result is
 * compared with the expected events or error.
 *
 * ```ts
 * const given = deciderSpec(orderDecider)
 * given([placed]).when(cancel).then([cancelled])
 * given([]).when(cancel).thenThrows(IllegalOrderStateError, /not placed/)
 * ```
 */
export function deciderSpec<TCommand, TEvent, TState>(decider: Decider<TCommand, TEvent, TState>) {
  return (givenEvents: readonly TEvent[]) => ({
    when(command: TCommand) {
      const run = () =>
        decider.decide(command, givenEvents.reduce(decider.evolve, decider.initialState()))
      return {
        /** The command emits exactly these events. Synchronous: do not await `when(...)`. */
        // biome-ignore lint/suspicious/noThenProperty: the given/when/then vocabulary is the point
        then(expected: readonly TEvent[]): void {
          expect(run()).toEqual(expected)
        },
        /** The command throws an error of this class (and, if given, matching the message). */
        thenThrows(errorClass: ErrorClass, message?: RegExp | string): Error {
          let thrown: unknown
          let decided: readonly TEvent[] | undefined
          try {
            decided = run()
          } catch (error) {
            thrown = error
          }
          if (decided) {
            expect.fail(`expected ${errorClass.name}, but it decided ${JSON.stringify(decided)}`)
          }
          expect(thrown).toBeInstanceOf(errorClass)
          if (message !== undefined) expect((thrown as Error).message).toMatch(message)
          return thrown as Error
        },
      }
    },
  })
}
