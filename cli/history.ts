import type { Command } from 'commander'
import { EventStore } from '../functions/event-store/index.ts'
import { type OrderState, orderDecider, orderStreamId } from '../functions/orders/index.ts'
import { CliError } from './cli-error.ts'
import { pipelineReader } from './readers/index.ts'
import { type SagaEntry, sagaHistory } from './saga-history.ts'
import { type Target, type TargetOptions, useTarget, withTargetOptions } from './target.ts'

interface HistoryOptions extends TargetOptions {
  readonly asOf?: string
  readonly version?: string
}

interface HistoryEntry {
  readonly version: number
  readonly eventId: string
  readonly eventType: string
  readonly timestamp: string
  readonly source: string
  readonly origin: string
  readonly correlationId: string
  readonly causationId?: string
  readonly payload: unknown
}

interface OrderHistory {
  readonly orderId: string
  readonly streamId: string
  /** What the state is as of: the whole stream, a version, or a time. */
  readonly asOf: { readonly version: number } | { readonly time: string } | 'now'
  /** The last version folded into the state. */
  readonly version: number
  readonly events: readonly HistoryEntry[]
  readonly state: OrderState
  /**
   * The saga's events across the order's streams (order, reservation, payment), each once,
   * in causal order, as of the same time (or the time of the version asked for).
   */
  readonly saga: readonly SagaEntry[]
}

/** An order's audit trail from the event store, and its state as of a version or a time. */
async function orderHistory(orderId: string, options: HistoryOptions): Promise<OrderHistory> {
  if (options.asOf !== undefined && options.version !== undefined) {
    throw new CliError('give --as-of or --version, not both')
  }
  const version = options.version === undefined ? undefined : Number(options.version)
  if (version !== undefined && !(Number.isInteger(version) && version >= 1)) {
    throw new CliError(`--version must be a whole number from 1, got '${options.version}'`)
  }
  const asOfTime = options.asOf === undefined ? undefined : new Date(options.asOf)
  if (asOfTime && Number.isNaN(asOfTime.getTime())) {
    throw new CliError(
      `--as-of must be an ISO 8601 time like 2026-05-01T12:00:00Z, got '${options.asOf}'`,
    )
  }
  return useTarget(options, (target) => readOrderHistory(target, orderId, { asOfTime, version }))
}

/** An order's history on a target, as of a time or a version (or now); a CliError when it has none. */
export async function readOrderHistory(
  target: Target,
  orderId: string,
  { asOfTime, version }: { readonly asOfTime?: Date; readonly version?: number },
): Promise<OrderHistory> {
  {
    const pipeline = await pipelineReader(target).resources()
    const store = new EventStore({
      client: target.clients.documents,
      eventsTable: pipeline.eventsTableName,
    })
    const streamId = orderStreamId(orderId)
    const aggregate = await store.aggregateStream(
      orderDecider,
      streamId,
      asOfTime ? { asOfTime } : { asOfVersion: version },
    )
    if (aggregate.events.length === 0) {
      const any = await store.streamVersion(streamId)
      throw new CliError(
        any === 0
          ? `order ${orderId} has no events in the event store (stream ${streamId})`
          : `order ${orderId} has no events ${asOfTime ? `by ${asOfTime.toISOString()}` : 'by that version'} (its stream is at version ${any})`,
      )
    }
    return {
      orderId,
      streamId,
      asOf: asOfTime
        ? { time: asOfTime.toISOString() }
        : version !== undefined
          ? { version }
          : 'now',
      version: aggregate.streamVersion,
      events: aggregate.events.map(({ streamVersion, origin, event }) => ({
        version: streamVersion,
        eventId: event.eventId,
        eventType: event.eventType,
        timestamp: event.timestamp,
        source: event.source,
        origin,
        correlationId: event.correlationId,
        ...(event.causationId === undefined ? {} : { causationId: event.causationId }),
        payload: event.payload,
      })),
      state: aggregate.state,
      saga: await sagaHistory(
        store,
        orderId,
        asOfTime ??
          (version === undefined
            ? undefined
            : new Date(Math.max(...aggregate.events.map((r) => Date.parse(r.event.timestamp))))),
      ),
    }
  }
}

/** The history as text: one line per event, then the state it adds up to. */
function historyText(history: OrderHistory): string {
  const { state } = history
  const asOf =
    history.asOf === 'now'
      ? `version ${history.version}`
      : 'time' in history.asOf
        ? `${history.asOf.time} (version ${history.version})`
        : `version ${history.version}`
  const typeWidth = Math.max(...history.events.map((e) => e.eventType.length))
  const lines = [
    `order ${history.orderId} (stream ${history.streamId})`,
    ...history.events.map(
      (e) =>
        `  v${e.version}  ${e.timestamp}  ${e.eventType.padEnd(typeWidth)}  ${e.eventId}  from ${e.source} (${e.origin})`,
    ),
    `state as of ${asOf}: ${state.status}`,
  ]
  if (state.placed) {
    const items = state.placed.items.reduce((sum, line) => sum + line.quantity, 0)
    lines.push(
      `  customer ${state.placed.customerId}, ${items} item(s), total ${state.placed.total.toFixed(2)}, placed ${state.placed.at}`,
    )
  }
  if (state.payment) {
    lines.push(
      `  payment ${state.payment.paymentId}: ${state.payment.amount.toFixed(2)} authorized ${state.payment.at}`,
    )
  }
  if (state.confirmation) lines.push(`  confirmed ${state.confirmation.at}`)
  if (state.cancellation) {
    lines.push(
      `  cancelled ${state.cancellation.at} by ${state.cancellation.cancelledBy}: ${state.cancellation.reason}`,
    )
  }
  if (history.saga.length > 0) {
    const width = Math.max(...history.saga.map((e) => e.eventType.length))
    const short = (id: string) => id.slice(0, 8)
    lines.push(`saga (correlation ${history.saga[0]!.correlationId}), in causal order:`)
    for (const e of history.saga) {
      const cause = e.causationId ? ` ← ${short(e.causationId)}` : ''
      lines.push(
        `  ${e.timestamp}  ${e.eventType.padEnd(width)}  ${short(e.eventId)}${cause}  from ${e.source}  in ${e.recordedIn.join(', ')}`,
      )
    }
  }
  return lines.join('\n')
}

export function registerHistoryCommand(program: Command): void {
  withTargetOptions(
    program
      .command('history')
      .description(
        "an order's audit trail from the event store, and its state as of a time or version",
      )
      .argument('<orderId>', 'the order')
      .option('--as-of <time>', 'the state as of this ISO 8601 time')
      .option('--version <n>', 'the state as of this stream version'),
  ).action(async (orderId: string, options: HistoryOptions) => {
    const history = await orderHistory(orderId, options)
    console.log(
      options.json ? JSON.stringify({ target: options.target, ...history }) : historyText(history),
    )
  })
}
