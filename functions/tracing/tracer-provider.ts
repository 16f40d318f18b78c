/**
 * The tracing SDK side: a tracer provider with its exporter, W3C Trace Context propagation
 * and an async context, registered as the process's global OpenTelemetry implementation.
 * Function bundles hold the OpenTelemetry API only and load this module when their
 * environment turns tracing on (start-tracing.ts), as the ADOT Lambda layer brings the SDK
 * to a function: a deployed function from the stack's tracing layer (lib/tracing-layer.ts),
 * a local one from its own bundle or from source. Nothing here runs when tracing is off.
 */
import { context, propagation, trace } from '@opentelemetry/api'
import { type ExportResult, ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace'
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions'
import { IN_PROCESS_EXPORTER } from '../../contracts/trace-context.ts'
import { AsyncContextManager } from './async-context.ts'
import { InProcessSpanExporter } from './in-process-exporter.ts'

/** What the API side keeps of a registered SDK. */
export interface TracingSdk {
  /** Exports the spans ended so far. */
  forceFlush(): Promise<void>
  /** Exports what is left and unregisters the globals. */
  shutdown(): Promise<void>
}

/** Registers the SDK for `service`, spans going to `exporter`. */
export function registerTracing(
  exporter: 'otlp' | typeof IN_PROCESS_EXPORTER,
  service: string,
): TracingSdk {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: exporter === 'otlp' ? new LazyOtlpExporter() : new InProcessSpanExporter(),
        // The console shows spans a moment after they end; an OTLP collector takes the default.
        ...(exporter === IN_PROCESS_EXPORTER ? { scheduledDelayMillis: 250 } : {}),
      }),
    ],
  })
  context.setGlobalContextManager(new AsyncContextManager())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(provider)
  return {
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown()
      trace.disable()
      propagation.disable()
      context.disable()
    },
  }
}

/**
 * The OTLP/HTTP exporter, loaded on the first export: configured by the OTEL_EXPORTER_OTLP_*
 * variables as the specification says, and not loaded by a process that exports in process.
 */
class LazyOtlpExporter implements SpanExporter {
  #exporter: Promise<SpanExporter> | undefined

  #load(): Promise<SpanExporter> {
    this.#exporter ??= import('@opentelemetry/exporter-trace-otlp-http').then(
      ({ OTLPTraceExporter }) => new OTLPTraceExporter() as unknown as SpanExporter,
    )
    return this.#exporter
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.#load().then(
      (exporter) => exporter.export(spans, resultCallback),
      (error: Error) => resultCallback({ code: ExportResultCode.FAILED, error }),
    )
  }

  async shutdown(): Promise<void> {
    if (this.#exporter) await (await this.#exporter).shutdown()
  }

  async forceFlush(): Promise<void> {
    if (this.#exporter) await (await this.#exporter).forceFlush?.()
  }
}
