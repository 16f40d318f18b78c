import type { RecordedEvent } from '../event-store/index.ts'
import { ProjectionGapError } from './errors.ts'
import { evolve } from './evolve.ts'
import type { OrderStreamEvent } from './order-events.ts'
import { initialOrderState } from './order-state.ts'
import { type OrderView, orderStateOf, toOrderView } from './order-view.ts'

/** What projecting events did to a row. */
export interface ViewProjection {
  /** The row after the events; undefined only when there was none and no event was applied. */
  readonly view: OrderView | undefined
  /** Events folded in; events at or below the row's version are already in it. */
  readonly applied: number
}

/**
 * Folds an order stream's events into its read-model row, checking version continuity: an
 * event at or below the row's version is already in it (skipped, so redelivery is harmless);
 * the next version is applied with the decider's `evolve`; a version further on throws
 * `ProjectionGapError`, since an event in between has not been seen: retry later, never skip.
 */
export function projectOrderView(
  view: OrderView | undefined,
  events: readonly RecordedEvent<OrderStreamEvent>[],
): ViewProjection {
  let current = view
  let applied = 0
  for (const recorded of events) {
    const at = current?.version ?? 0
    if (recorded.streamVersion <= at) continue
    if (recorded.streamVersion !== at + 1) {
      throw new ProjectionGapError(recorded.streamId, at, recorded.streamVersion)
    }
    const state = evolve(current ? orderStateOf(current) : initialOrderState(), recorded.event)
    current = toOrderView(state, {
      version: recorded.streamVersion,
      eventId: recorded.event.eventId,
      timestamp: recorded.event.timestamp,
    })
    applied++
  }
  return { view: current, applied }
}
