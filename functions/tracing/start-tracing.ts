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
import { POWERTOOLS_ENVIRONMENT } from '../../contracts/environment.ts'
import { IN_PROCESS_EXPORTER, TRACING_ENVIRONMENT } from '../../contracts/trace-context.ts'
import { AsyncContextManager } from './async-context.ts'
import { InProcessSpanExporter } from './in-process-exporter.ts'

/** Where this process's spans go, from its environment; undefined: tracing is off. */
export type TracesExporter = 'otlp' | typeof IN_PROCESS_EXPORTER

let provider: TracerProvider | undefined

/**
 * Which exporter the environment asks for (see TRACING_ENVIRONMENT): OTEL_TRACES_EXPORTER
 * when set (`none` is off), else OTLP when an OTLP endpoint is set, else none.
 */
export function tracesExporterOf(env: NodeJS.ProcessEnv): TracesExporter | undefined {
  const named = env[TRACING_ENVIRONMENT.exporter]?.split(',')[0]?.trim()
  if (named === 'otlp' || named === IN_PROCESS_EXPORTER) return named
  if (named) return undefined
  return env[TRACING_ENVIRONMENT.otlpEndpoint] || env[TRACING_ENVIRONMENT.otlpTracesEndpoint]
    ? 'otlp'
    : undefined
}

/**
 * Turns tracing on for this process when its environment asks for it, once: a tracer
 * provider with the exporter asked for, W3C Trace Context propagation and an async context.
 * Otherwise nothing is registered and every span is the API's no-op, which costs next to
 * nothing. Returns whether tracing is on.
 */
export function startTracing(
  env: NodeJS.ProcessEnv = process.env,
  fallbackService = 'event-pipeline',
): boolean {
  if (provider) return true
  const exporter = tracesExporterOf(env)
  if (!exporter) return false
  const service =
    env[TRACING_ENVIRONMENT.serviceName] ??
    env[POWERTOOLS_ENVIRONMENT.serviceName] ??
    env.AWS_LAMBDA_FUNCTION_NAME ??
    fallbackService
  provider = new TracerProvider({
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
  return true
}

/** True once `startTracing` turned tracing on. */
export function tracingOn(): boolean {
  return provider !== undefined
}

/**
 * Exports the spans ended so far. A Lambda function calls it before it returns: a frozen
 * execution environment sends nothing.
 */
export async function flushSpans(): Promise<void> {
  await provider?.forceFlush()
}

/** Ends tracing in this process, exporting what is left (for tests and a CLI that exits). */
export async function stopTracing(): Promise<void> {
  const stopping = provider
  provider = undefined
  if (!stopping) return
  await stopping.shutdown()
  trace.disable()
  propagation.disable()
  context.disable()
}

/**
 * The OTLP/HTTP exporter, loaded on the first export: configured by the OTEL_EXPORTER_OTLP_*
 * variables as the specification says, and not loaded at all by a process that traces nothing.
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
