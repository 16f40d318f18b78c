/**
 * `npm run bench [-- <name filter>]`: runs every test/bench/*.bench.ts in turn, one at a
 * time so they do not compete for the two cores. Each bench file runs its subject and its
 * anchor side by side in one process and prints figures and their ratio.
 */
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
// `npm run bench -- pipeline --json`: a name filter, and flags the bench files read themselves.
const filter = process.argv.slice(2).find((arg) => !arg.startsWith('--'))
const quiet = process.argv.includes('--json')
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => !filter || file.includes(filter))
  .sort()

if (files.length === 0) {
  console.error(`bench: no test/bench/*.bench.ts file matches '${filter ?? ''}'`)
  process.exit(1)
}
for (const file of files) {
  if (!quiet) console.log(`\n=== ${file} ===`)
  const started = performance.now()
  await import(pathToFileURL(join(here, file)).href)
  if (!quiet) console.log(`(${file}: ${((performance.now() - started) / 1000).toFixed(1)} s)`)
}
