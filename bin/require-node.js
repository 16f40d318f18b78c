// The first thing every entry point runs, on whatever `node` is on PATH: one line naming the
// Node.js the project needs, instead of a module error further in. `npm ci` installs that
// Node from the npm registry (the optional `node` package) and npm scripts and `npx` run on
// it; this line is for a machine where that package could not be installed.
// Plain JavaScript that any Node since 12 parses: it must run before anything else does.
import { existsSync, readFileSync } from 'node:fs'

const required = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).engines.node.replace(/^>=\s*/, '')

if (!atLeast(process.versions.node, required)) {
  const projectNode = new URL('../node_modules/node/bin/node', import.meta.url)
  const what = existsSync(projectNode)
    ? 'run it through npm or npx (`npm start`, `npx pipeline …`): they use the Node.js that `npm ci` installed for the project'
    : `\`npm ci\` could not install a Node.js for ${process.platform}-${process.arch} from the npm registry: install Node.js 24 (https://nodejs.org, or \`nvm install 24\`) and run the command again`
  console.error(
    `event-pipeline needs Node.js ${required} or newer, and this is ${process.versions.node}: ${what}.`,
  )
  process.exit(1)
}

function atLeast(version, minimum) {
  const have = version.split('.').map(Number)
  const want = minimum.split('.').map(Number)
  for (let i = 0; i < want.length; i++) {
    if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i]
  }
  return true
}
