import { closeSync, mkdirSync, openSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { type FunctionLog, writeFunctionLine } from '../local/lambda/function-log.ts'

/** Where `pipeline dev` writes the functions' logs unless told otherwise: one file per port (per process for port 0). */
export function defaultLogPath(port: number): string {
  return join(
    tmpdir(),
    'event-pipeline',
    `functions-${port === 0 ? `pid${process.pid}` : port}.log`,
  )
}

/**
 * The functions' log: `-` is stderr, each line prefixed with the function's name in
 * brackets; a path is a file the lines are appended to as `<function> <line>`. Every line is
 * written synchronously (see FunctionLog), so what is in the file survives a kill -9.
 */
export function functionLogSink(path: string): {
  readonly log: FunctionLog
  /** A line of this process's own (an event source mapping's error), written the same way. */
  write(source: string, line: string): void
  /** Closes the file; call it once no execution environment runs any more. */
  close(): void
} {
  let log: FunctionLog = { fd: process.stderr.fd, style: 'terminal' }
  if (path !== '-') {
    mkdirSync(dirname(path), { recursive: true })
    log = { fd: openSync(path, 'a'), style: 'file' }
  }
  return {
    log,
    write: (source, line) => writeFunctionLine(log, source, line),
    close: () => {
      if (log.style === 'file') closeSync(log.fd)
    },
  }
}
