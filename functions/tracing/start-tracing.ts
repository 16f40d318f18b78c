import { pathToFileURL } from 'node:url'
import { POWERTOOLS_ENVIRONMENT } from '../../contracts/environment.ts'
import { IN_PROCESS_EXPORTER, TRACING_ENVIRONMENT } from '../../contracts/trace-context.ts'
import type { registerTracing, TracingSdk } from './tracer-provider.ts'

/** Where this process's spans go, from its environment; undefined: tracing is off. */
export type TracesExporter = 'otlp' | typeof IN_PROCESS_EXPORTER

let sdk: TracingSdk | undefined
let starting: Promise<boolean> | undefined

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
 * The tracing SDK's module: the one the environment names (TRACING_ENVIRONMENT.sdkModule,
 * the tracing layer's file on AWS, a bundle of it under `npm start`), else its source beside
 * this file. A non-literal import, so that esbuild leaves the SDK out of function bundles.
 */
function sdkModule(env: NodeJS.ProcessEnv): string {
  const named = env[TRACING_ENVIRONMENT.sdkModule]
  if (named) return named.startsWith('file:') ? named : pathToFileURL(named).href
  return new URL('./tracer-provider.ts', import.meta.url).href
}

/**
 * Turns tracing on for this process when its environment asks for it, once: loads the
 * tracing SDK (tracer-provider.ts) and registers it, with the exporter asked for.
 * Otherwise nothing is loaded and every span is the API's no-op, which costs next to
 * nothing. Resolves to whether tracing is on; rejects, naming the module, when tracing is
 * asked for and its SDK cannot be loaded. A function starts it at init and awaits it
 * before its first record.
 */
export function startTracing(
  env: NodeJS.ProcessEnv = process.env,
  fallbackService = 'event-pipeline',
): Promise<boolean> {
  if (sdk) return Promise.resolve(true)
  const exporter = tracesExporterOf(env)
  if (!exporter) return Promise.resolve(false)
  const service =
    env[TRACING_ENVIRONMENT.serviceName] ??
    env[POWERTOOLS_ENVIRONMENT.serviceName] ??
    env.AWS_LAMBDA_FUNCTION_NAME ??
    fallbackService
  const url = sdkModule(env)
  starting ??= (async () => {
    let register: typeof registerTracing
    try {
      ;({ registerTracing: register } = (await import(url)) as {
        registerTracing: typeof registerTracing
      })
    } catch (error) {
      starting = undefined
      throw new Error(
        `${TRACING_ENVIRONMENT.exporter}=${exporter} turns tracing on, but its SDK could not be loaded from ${url} (${TRACING_ENVIRONMENT.sdkModule}; a deployed function gets it from the stack's tracing layer): ${(error as Error).message}`,
        { cause: error },
      )
    }
    sdk ??= register(exporter, service)
    return true
  })()
  return starting
}

/** True once `startTracing` turned tracing on. */
export function tracingOn(): boolean {
  return sdk !== undefined
}

/**
 * Exports the spans ended so far. A Lambda function calls it before it returns: a frozen
 * execution environment sends nothing.
 */
export async function flushSpans(): Promise<void> {
  await sdk?.forceFlush()
}

/** Ends tracing in this process, exporting what is left (for tests and a CLI that exits). */
export async function stopTracing(): Promise<void> {
  await starting?.catch(() => false)
  const stopping = sdk
  sdk = undefined
  starting = undefined
  await stopping?.shutdown()
}
