/**
 * An error to show a person as one line, saying what is wrong and what to do; the CLI
 * prints `pipeline: <message>` and exits with `exitCode`.
 */
export class CliError extends Error {
  override name = 'CliError'
  readonly exitCode: number
  constructor(message: string, options?: ErrorOptions & { exitCode?: number }) {
    super(message, options)
    this.exitCode = options?.exitCode ?? 1
  }
}
