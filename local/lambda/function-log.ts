import type { Readable } from 'node:stream'

/** Where the lines a function writes to stdout and stderr go. */
export type FunctionLog = (functionName: string, line: string) => void

/** Prints each line to this process's stderr, prefixed with the function's name. */
export const prefixedConsoleLog: FunctionLog = (functionName, line) => {
  process.stderr.write(`[${functionName}] ${line}\n`)
}

/** Calls `onLine` with each complete line read from `stream`. */
export function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  let partial = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) onLine(line)
  })
  stream.on('end', () => {
    if (partial) onLine(partial)
    partial = ''
  })
}
