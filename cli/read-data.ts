import { readFileSync } from 'node:fs'
import { CliError } from './cli-error.ts'

/** `--data`: inline JSON, or `@path` to a JSON file (`@-` reads standard input). */
export function readData(value: string): unknown {
  let text = value
  let where = '--data'
  if (value.startsWith('@')) {
    const path = value.slice(1)
    where = path === '-' ? 'standard input' : path
    try {
      text = readFileSync(path === '-' ? 0 : path, 'utf8')
    } catch (error) {
      throw new CliError(`cannot read ${where}: ${(error as Error).message}`, { cause: error })
    }
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new CliError(
      `${where} is not JSON (${(error as Error).message}); pass an object such as '{"orderId":"o-1"}' or @file.json`,
      { cause: error },
    )
  }
}
