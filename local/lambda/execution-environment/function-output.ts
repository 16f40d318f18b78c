import { writeSync } from 'node:fs'
import type { EmfMetrics } from '../invocation.ts'

/**
 * What the function writes to stdout and stderr, taken where it is written, in its execution
 * environment: each line goes to the function log at once, synchronously (the log's file
 * descriptor is this process's, shared by every thread), and the CloudWatch EMF documents
 * among the lines are read as CloudWatch reads them, into the metrics of the invocation.
 */
export interface FunctionOutput {
  /** The EMF metric values written since the last call: every value, by metric name. */
  takeMetrics(): EmfMetrics
}

export function captureFunctionOutput(
  log: { readonly fd: number; readonly prefix: string } | undefined,
): FunctionOutput {
  let metrics: Record<string, number[]> = {}
  const emitted = (line: string) => {
    if (!line.startsWith('{"_aws"')) return
    for (const [name, values] of emfValues(line))
      metrics[name] = [...(metrics[name] ?? []), ...values]
  }
  for (const stream of [process.stdout, process.stderr]) {
    let atLineStart = true
    let partial = ''
    stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
      const text =
        typeof chunk === 'string'
          ? chunk
          : Buffer.from(chunk).toString(
              typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
            )
      const lines = (partial + text).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) emitted(line)
      if (log && text) {
        // One write a chunk, so lines that threads write at once never interleave mid-line.
        const start = atLineStart ? log.prefix : ''
        writeSync(log.fd, start + text.replace(/\n(?=.)/gs, `\n${log.prefix}`))
        atLineStart = text.endsWith('\n')
      }
      const done = typeof encoding === 'function' ? encoding : callback
      if (typeof done === 'function') process.nextTick(done as () => void)
      return true
    }) as typeof stream.write
  }
  return {
    takeMetrics() {
      const taken = metrics
      metrics = {}
      return taken
    },
  }
}

/** The values of each metric an EMF document declares (`_aws.CloudWatchMetrics[].Metrics`). */
function emfValues(line: string): [string, number[]][] {
  let document: {
    _aws?: { CloudWatchMetrics?: { Metrics?: { Name?: string }[] }[] }
    [key: string]: unknown
  }
  try {
    document = JSON.parse(line)
  } catch {
    return []
  }
  const names = (document._aws?.CloudWatchMetrics ?? []).flatMap((directive) =>
    (directive.Metrics ?? []).flatMap((metric) => (metric.Name ? [metric.Name] : [])),
  )
  return names.map((name) => {
    const value = document[name]
    const values = Array.isArray(value) ? value : [value]
    return [name, values.filter((v): v is number => typeof v === 'number')]
  })
}
