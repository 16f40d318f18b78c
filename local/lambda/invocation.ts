import type { TransportPorts } from '../wire-service.ts'
import type { InvocationContextData } from './execution-environment/lambda-context.ts'

/**
 * The metric values a function emitted in CloudWatch's embedded metric format (EMF) during
 * an invocation, by metric name: what CloudWatch would have taken from its log.
 */
export type EmfMetrics = Readonly<Record<string, readonly number[]>>

/** How an invocation ended, as the event source mapping sees it. */
export type InvocationResult =
  | {
      readonly ok: true
      readonly response: unknown
      readonly durationMs: number
      readonly requestId: string
      readonly metrics: EmfMetrics
    }
  | {
      readonly ok: false
      readonly requestId: string
      /** Lambda's error type: the thrown error's name, or `Sandbox.Timedout`, `Runtime.ImportModuleError`, … */
      readonly errorType: string
      readonly errorMessage: string
      readonly durationMs: number
      /** What it emitted before it failed; none when it never ran or timed out. */
      readonly metrics: EmfMetrics
    }

/**
 * What an execution environment answers an invocation with: the handler's response or what
 * it threw (Lambda's error type and message), and the metrics it emitted either way.
 */
export type EnvironmentAnswer =
  | { readonly ok: true; readonly response: unknown; readonly metrics: EmfMetrics }
  | {
      readonly ok: false
      readonly errorType: string
      readonly errorMessage: string
      readonly metrics: EmfMetrics
    }

/** What the host asks an execution environment: one invocation. */
export interface InvokeRequest {
  readonly event: unknown
  readonly context: InvocationContextData
}

/** What an execution environment is started with. */
export interface EnvironmentData {
  readonly entry: string
  readonly handlerExport: string
  /** The embedded AWS's in-process transport, when the host gives one. */
  readonly transportPorts?: TransportPorts
  /**
   * Where the function's output goes: a file descriptor of this process and the prefix of
   * each line (see FunctionLog). @default - nowhere
   */
  readonly log?: { readonly fd: number; readonly prefix: string }
}
