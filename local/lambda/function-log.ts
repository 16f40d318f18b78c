import { writeSync } from 'node:fs'

/**
 * Where the lines a function writes to stdout and stderr go: a file descriptor of this
 * process (a log file opened for appending, or stderr), which every execution environment,
 * each a thread of this process, writes itself, synchronously. A line is in the file when
 * the function's `console.log` returns, as Lambda's runtime has it on its way to CloudWatch
 * before the handler goes on: a `kill -9` loses none that the function wrote.
 */
export interface FunctionLog {
  readonly fd: number
  /** `file`: `<function> <line>`; `terminal`: `[<function>] <line>`. */
  readonly style: 'file' | 'terminal'
}

/** What each line of the function is written after. */
export function linePrefix(log: FunctionLog, functionName: string): string {
  return log.style === 'terminal' ? `[${functionName}] ` : `${functionName} `
}

/** Writes one line of the function's (or of its event source mapping's) at once. */
export function writeFunctionLine(log: FunctionLog, functionName: string, line: string): void {
  writeSync(log.fd, `${linePrefix(log, functionName)}${line}\n`)
}
