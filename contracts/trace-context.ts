/**
 * How a trace travels with an event (OpenTelemetry, W3C Trace Context) and how the spans
 * of a local pipeline reach the console. The publishers and the runtime (functions/) write
 * and read the context; the embedded pipeline (local/) collects the spans; the CLI reads them.
 */

/**
 * The W3C Trace Context fields, under their header names. They travel as SNS/SQS message
 * attributes (String) beside `eventType` and `version`, and as attributes of a stored event
 * in the events table, so that the outbox publisher carries the trace on. `tracestate` is
 * set only when it is not empty: with it the bus uses 4 of the 10 attributes SQS allows a
 * message, which leaves the six the runtime adds when it dead-letters (see
 * dead-letter-attributes.ts).
 */
export const TRACE_CONTEXT_FIELDS = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const

/**
 * The variables that turn tracing on, from the OpenTelemetry specification: with neither
 * `OTEL_TRACES_EXPORTER` nor an OTLP endpoint set, no span is recorded (the API's no-op).
 *
 * - `OTEL_TRACES_EXPORTER=otlp`, or `OTEL_EXPORTER_OTLP_ENDPOINT` /
 *   `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` set: spans go to an OTLP/HTTP collector (the ADOT
 *   Lambda layer, CloudWatch Application Signals, any OpenTelemetry collector).
 * - `OTEL_TRACES_EXPORTER=in-process`: spans go to the embedded pipeline's span store, on
 *   {@link SPAN_CHANNEL} (what `npm start` sets on the local functions).
 * - `OTEL_TRACES_EXPORTER=none`: off.
 */
export const TRACING_ENVIRONMENT = {
  exporter: 'OTEL_TRACES_EXPORTER',
  otlpEndpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  otlpTracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  serviceName: 'OTEL_SERVICE_NAME',
  /**
   * Ours: the file of the tracing SDK module a function loads when tracing is on (its bundle
   * holds the OpenTelemetry API only). The stack's tracing layer sets it on AWS, the local
   * pipeline under `npm start`; unset, the module's source is used.
   */
  sdkModule: 'EVENT_PIPELINE_TRACING_SDK',
} as const

/** The `OTEL_TRACES_EXPORTER` value of the local span store. */
export const IN_PROCESS_EXPORTER = 'in-process'

/** The BroadcastChannel (node:worker_threads) the in-process exporter posts span batches on. */
export const SPAN_CHANNEL = 'event-pipeline/spans'

/** Attributes of ours on the spans, beside OpenTelemetry's semantic conventions. */
export const SPAN_ATTRIBUTES = {
  eventId: 'event_pipeline.event.id',
  eventType: 'event_pipeline.event.type',
  consumer: 'event_pipeline.consumer',
  /** What became of a record: processed, duplicate, ignored, dead-lettered, retry. */
  outcome: 'event_pipeline.outcome',
  idempotencyKey: 'event_pipeline.idempotency.key',
} as const

/** A finished span as the in-process exporter posts it and the span store serves it. */
export interface SpanRecord {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
  readonly kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer'
  /** The resource's `service.name`: the function, or the CLI. */
  readonly service: string
  /** Epoch milliseconds, fractional. */
  readonly startTime: number
  readonly endTime: number
  readonly status: 'unset' | 'ok' | 'error'
  readonly statusMessage?: string
  readonly attributes: Readonly<Record<string, unknown>>
  readonly links: readonly {
    readonly traceId: string
    readonly spanId: string
    readonly attributes?: Readonly<Record<string, unknown>>
  }[]
  readonly events: readonly {
    readonly name: string
    readonly time: number
    readonly attributes?: Readonly<Record<string, unknown>>
  }[]
}
