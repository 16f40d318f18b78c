import { BroadcastChannel } from 'node:worker_threads'
import { type ExportResult, ExportResultCode } from '@opentelemetry/core'
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace'
import { SPAN_CHANNEL } from '../../contracts/trace-context.ts'
import { toSpanRecord } from './span-record.ts'

/**
 * Posts finished spans on {@link SPAN_CHANNEL}, where the embedded pipeline's span store
 * listens: the local functions run in worker threads of the `npm start` process, and a
 * BroadcastChannel reaches every thread of it. Nothing listening costs one structured clone.
 */
export class InProcessSpanExporter implements SpanExporter {
  readonly #channel = new BroadcastChannel(SPAN_CHANNEL)

  constructor() {
    // Never what keeps a thread alive.
    this.#channel.unref()
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    try {
      this.#channel.postMessage(spans.map(toSpanRecord))
      resultCallback({ code: ExportResultCode.SUCCESS })
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error })
    }
  }

  async shutdown(): Promise<void> {
    this.#channel.close()
  }

  async forceFlush(): Promise<void> {}
}
