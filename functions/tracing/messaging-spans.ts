import {
  type Context,
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api'
import { SPAN_ATTRIBUTES, TRACE_CONTEXT_FIELDS } from '../../contracts/trace-context.ts'

/**
 * The OpenTelemetry messaging semantic conventions' attribute names this project sets,
 * written out: they are in the conventions' incubating entry, 770 kB to load on a cold start.
 */
export const MESSAGING = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destination: 'messaging.destination.name',
  messageId: 'messaging.message.id',
  batchCount: 'messaging.batch.message_count',
} as const

export const tracer = () => trace.getTracer('event-pipeline')

/** SNS and SQS message attributes as the SDK sends them. */
type SdkAttributes = Record<string, { DataType: string | undefined; StringValue?: string }>
/** SQS message attributes as Lambda hands them over. */
type LambdaAttributes = Readonly<Record<string, { stringValue?: string } | undefined>>

const attributeSetter: TextMapSetter<SdkAttributes> = {
  set: (carrier, key, value) => {
    carrier[key] = { DataType: 'String', StringValue: value }
  },
}

const lambdaAttributeGetter: TextMapGetter<LambdaAttributes> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key]?.stringValue,
}

const fieldsSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    if (key === TRACE_CONTEXT_FIELDS.traceparent || value !== '') carrier[key] = value
  },
}

const fieldsGetter: TextMapGetter<Readonly<Record<string, unknown>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key]
    return typeof value === 'string' ? value : undefined
  },
}

/** Adds the trace context of `ctx` to message attributes (nothing when tracing is off). */
export function injectIntoAttributes<T extends SdkAttributes>(ctx: Context, attributes: T): T {
  propagation.inject(ctx, attributes, attributeSetter)
  const state = attributes[TRACE_CONTEXT_FIELDS.tracestate]
  if (state && !state.StringValue) delete attributes[TRACE_CONTEXT_FIELDS.tracestate]
  return attributes
}

/** The context a message was sent in, from its SQS attributes; the root when it has none. */
export function contextOfMessage(attributes: LambdaAttributes | undefined): Context {
  return attributes
    ? propagation.extract(ROOT_CONTEXT, attributes, lambdaAttributeGetter)
    : ROOT_CONTEXT
}

/** The active trace context as stored-event attributes (`traceparent`, `tracestate`); {} when none. */
export function activeTraceFields(): Record<string, string> {
  const fields: Record<string, string> = {}
  propagation.inject(context.active(), fields, fieldsSetter)
  return fields
}

/** The context a stored event was appended in, from its attributes; the root when none. */
export function contextOfStoredEvent(item: Readonly<Record<string, unknown>>): Context {
  return propagation.extract(ROOT_CONTEXT, item, fieldsGetter)
}

/** A link to the context's span, when it has one (a batch span links its messages). */
export function linkTo(ctx: Context): Link[] {
  const span = trace.getSpanContext(ctx)
  return span ? [{ context: span }] : []
}

/**
 * A producer span for publishing one event to a topic (`send <topic>`), a child of `parent`.
 * The caller injects its context into the message and ends it once the publish answered.
 */
export function startPublishSpan(
  topicArn: string,
  event: { readonly eventId: string; readonly eventType: string },
  parent: Context = context.active(),
): { span: Span; context: Context } {
  const topic = topicArn.slice(topicArn.lastIndexOf(':') + 1)
  const span = tracer().startSpan(
    `send ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        [MESSAGING.system]: 'aws_sns',
        [MESSAGING.operationType]: 'send',
        [MESSAGING.operationName]: 'publish',
        [MESSAGING.destination]: topic,
        [SPAN_ATTRIBUTES.eventId]: event.eventId,
        [SPAN_ATTRIBUTES.eventType]: event.eventType,
      },
    },
    parent,
  )
  return { span, context: trace.setSpan(parent, span) }
}

/** Ends a span with an error status naming `error`. */
export function endWithError(span: Span, error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error))
  span.recordException(e)
  span.setStatus({ code: SpanStatusCode.ERROR, message: `${e.name}: ${e.message}` })
  span.end()
}
