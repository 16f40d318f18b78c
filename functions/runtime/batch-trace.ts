import {
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api'
import type { SQSRecord } from 'aws-lambda'
import { SPAN_ATTRIBUTES } from '../../contracts/trace-context.ts'
import {
  contextOfMessage,
  endWithError,
  flushSpans,
  linkTo,
  MESSAGING,
  tracer,
  tracingOn,
} from '../tracing/index.ts'
import type { Invalid, NotStarted, Settled, Valid } from './record-state.ts'

/**
 * One batch's spans, as the OpenTelemetry messaging conventions describe consuming from
 * SQS: a `process <queue>` span for the batch, linked to the context each message was sent
 * in, and one `process <queue>` span per record that continues its message's trace, with
 * the handler, the idempotency phases and the DynamoDB requests as its children. When
 * tracing is off, every method does nothing.
 */
export interface BatchTrace {
  /** Names each record's span after what its read found (its event, or why it is invalid). */
  read(states: readonly (Invalid | Valid)[]): void
  /** Runs a batch-wide phase (a lease, a completion) with a span per record it is for. */
  phase<T>(name: string, records: readonly SQSRecord[], run: () => Promise<T>): Promise<T>
  /** Runs the handler of a record with its span active: what it calls is traced under it. */
  handle<T>(record: SQSRecord, run: () => Promise<T>): Promise<T>
  /** Ends every span with the records' outcomes, and exports them before the invocation returns. */
  end(states: readonly (Settled | NotStarted)[]): Promise<void>
}

const off: BatchTrace = {
  read: () => {},
  phase: (_name, _records, run) => run(),
  handle: (_record, run) => run(),
  end: async () => {},
}

/** The batch's spans, started now; a no-op when tracing is off. */
export function traceBatch(consumer: string, records: readonly SQSRecord[]): BatchTrace {
  if (!tracingOn() || records.length === 0) return off
  const queue = queueName(records[0]!.eventSourceARN)
  const messaging = (extra: Record<string, string | number> = {}) => ({
    [MESSAGING.system]: 'aws_sqs',
    [MESSAGING.operationType]: 'process',
    [MESSAGING.operationName]: 'process',
    [MESSAGING.destination]: queue,
    [SPAN_ATTRIBUTES.consumer]: consumer,
    ...extra,
  })
  const sent = records.map((record) => contextOfMessage(record.messageAttributes))
  const batchSpan = tracer().startSpan(`process ${queue}`, {
    kind: SpanKind.CONSUMER,
    attributes: messaging({ [MESSAGING.batchCount]: records.length }),
    links: sent.flatMap(linkTo),
  })
  const batchContext = trace.setSpan(context.active(), batchSpan)
  const spans = new Map<string, { span: Span; context: Context }>()
  records.forEach((record, i) => {
    const parent = sent[i]!
    const span = tracer().startSpan(
      `process ${queue}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: messaging({ [MESSAGING.messageId]: record.messageId }),
        links: linkTo(batchContext),
      },
      // A message sent without a trace is processed in the batch's.
      trace.getSpanContext(parent) ? parent : batchContext,
    )
    spans.set(record.messageId, { span, context: trace.setSpan(parent, span) })
  })
  let ended = false

  return {
    read(states) {
      for (const state of states) {
        const span = spans.get(state.record.messageId)?.span
        if (!span) continue
        if (state.state === 'valid') {
          span.setAttributes({
            [SPAN_ATTRIBUTES.eventId]: state.event.eventId,
            [SPAN_ATTRIBUTES.eventType]: state.event.eventType,
            [SPAN_ATTRIBUTES.idempotencyKey]: state.key,
          })
        } else span.addEvent('invalid record', { reason: (state.error as Error)?.message ?? '' })
      }
    },

    async phase(name, phaseRecords, run) {
      const started = Date.now()
      const children = phaseRecords.flatMap((record) => {
        const parent = spans.get(record.messageId)
        if (!parent) return []
        const span = tracer().startSpan(name, { startTime: started }, parent.context)
        return [{ span, context: trace.setSpan(parent.context, span) }]
      })
      // A phase of one record is under its span; the requests of a batch-wide one are the batch's.
      const active = children.length === 1 ? children[0]!.context : batchContext
      try {
        const result = await context.with(active, run)
        for (const child of children) child.span.end()
        return result
      } catch (error) {
        for (const child of children) endWithError(child.span, error)
        throw error
      }
    },

    async handle(record, run) {
      const parent = spans.get(record.messageId)
      if (!parent) return run()
      const span = tracer().startSpan('handle', {}, parent.context)
      try {
        const result = await context.with(trace.setSpan(parent.context, span), run)
        span.end()
        return result
      } catch (error) {
        endWithError(span, error)
        throw error
      }
    },

    async end(states) {
      if (ended) return
      ended = true
      for (const state of states) {
        const span = spans.get(state.record.messageId)?.span
        if (!span) continue
        const outcome = state.state === 'settled' ? state.outcome : undefined
        span.setAttribute(SPAN_ATTRIBUTES.outcome, outcome?.kind ?? 'not-started')
        if (outcome?.kind === 'retry' || outcome?.kind === 'dead-lettered') {
          span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.kind })
        }
      }
      for (const { span } of spans.values()) span.end()
      batchSpan.end()
      await flushSpans()
    },
  }
}

/** `arn:aws:sqs:us-east-1:000000000000:inventory-queue` → `inventory-queue`. */
function queueName(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1)
}
