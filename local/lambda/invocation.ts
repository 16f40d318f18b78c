import type { TransportPorts } from '../wire-service.ts'
import type { InvocationContextData } from './execution-environment/lambda-context.ts'

/** How an invocation ended, as the event source mapping sees it. */
export type InvocationResult =
  | {
      readonly ok: true
      readonly response: unknown
      readonly durationMs: number
      readonly requestId: string
    }
  | {
      readonly ok: false
      readonly requestId: string
      /** Lambda's error type: the thrown error's name, or `Sandbox.Timedout`, `Runtime.ImportModuleError`, … */
      readonly errorType: string
      readonly errorMessage: string
      readonly durationMs: number
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
}
