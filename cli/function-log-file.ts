import { createWriteStream, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { FunctionLog } from '../local/lambda/function-log.ts'
import { prefixedConsoleLog } from '../local/lambda/function-log.ts'

/** Where `pipeline dev` writes the functions' logs unless told otherwise: one file per port (per process for port 0). */
export function defaultLogPath(port: number): string {
  return join(
    tmpdir(),
    'event-pipeline',
    `functions-${port === 0 ? `pid${process.pid}` : port}.log`,
  )
}

/**
 * A sink for the functions' log lines: `-` prints them to stderr, prefixed with the
 * function's name; a path appends `<function> <line>` to that file.
 */
export function functionLogSink(path: string): { log: FunctionLog; close(): Promise<void> } {
  if (path === '-') return { log: prefixedConsoleLog, close: async () => {} }
  mkdirSync(dirname(path), { recursive: true })
  const stream = createWriteStream(path, { flags: 'a' })
  return {
    log: (functionName, line) => {
      stream.write(`${functionName} ${line}\n`)
    },
    close: () => new Promise((resolve) => stream.end(resolve)),
  }
}
