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

/** Messages an execution environment (a worker thread) sends its host. */
export type EnvironmentMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly errorType: string; readonly errorMessage: string }
  | { readonly type: 'result'; readonly id: number; readonly response: unknown }
  | {
      readonly type: 'error'
      readonly id: number
      readonly errorType: string
      readonly errorMessage: string
      readonly stack?: string
    }

/** Messages the host sends an execution environment. */
export interface InvokeMessage {
  readonly type: 'invoke'
  readonly id: number
  readonly event: unknown
  readonly context: import('./execution-environment/lambda-context.ts').InvocationContextData
}

/** What an execution environment is started with. */
export interface EnvironmentData {
  readonly entry: string
  readonly handlerExport: string
}
