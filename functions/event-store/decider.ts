/**
 * Domain logic as three pure functions (Emmett's decider): `decide` turns a command and the
 * current state into new events or throws; `evolve` folds one event into the state;
 * `initialState` is the state of a stream with no events. Time and ids come in as data.
 */
export interface Decider<TCommand, TEvent, TState> {
  decide(command: TCommand, state: TState): TEvent[]
  evolve(state: TState, event: TEvent): TState
  initialState(): TState
}
