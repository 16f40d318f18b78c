/** A fact an aggregate keeps: when it happened, and the event that stated it. */
export interface Fact {
  /** ISO 8601. */
  readonly at: string
  readonly eventId: string
}

/**
 * Of two statements of one fact, the earlier (by time, then by eventId): what an `evolve`
 * keeps so that the same events folded in any order give the same state.
 */
function earliest<T extends Fact>(known: T | undefined, candidate: T): T {
  if (!known) return candidate
  const byTime = Date.parse(candidate.at) - Date.parse(known.at)
  if (byTime !== 0) return byTime < 0 ? candidate : known
  return candidate.eventId < known.eventId ? candidate : known
}

/** The state with `fact` kept under `key`, unless the state knows of an earlier statement. */
export function remember<TState, TKey extends keyof TState>(
  state: TState,
  key: TKey,
  fact: NonNullable<TState[TKey]> & Fact,
): TState {
  return {
    ...state,
    [key]: earliest(state[key] as (Fact & NonNullable<TState[TKey]>) | undefined, fact),
  }
}
