import { readFileSync } from 'node:fs'
import { CliError } from './cli-error.ts'

/**
 * An option's value given inline or as `@path` to a file (`@-` reads standard input): the
 * text, and where it came from for messages.
 */
export function readArgument(value: string, option: string): { text: string; where: string } {
  if (!value.startsWith('@')) return { text: value, where: option }
  const path = value.slice(1)
  const where = path === '-' ? 'standard input' : path
  try {
    return { text: readFileSync(path === '-' ? 0 : path, 'utf8'), where }
  } catch (error) {
    throw new CliError(`cannot read ${where}: ${(error as Error).message}`, { cause: error })
  }
}

/** `--data`: inline JSON, or `@path` to a JSON file (`@-` reads standard input). */
export function readData(value: string): unknown {
  const { text, where } = readArgument(value, '--data')
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new CliError(
      `${where} is not JSON (${(error as Error).message}); pass an object such as '{"orderId":"o-1"}' or @file.json`,
      { cause: error },
    )
  }
}
