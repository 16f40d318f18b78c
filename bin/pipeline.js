#!/usr/bin/env node
// `npx pipeline …` and `npm start`: checks the Node.js version first, then runs the
// TypeScript CLI (bin/pipeline.ts) through tsx, so there is no build step.
import './require-node.js'

const { register } = await import('tsx/esm/api')
register()
await import('./pipeline.ts')
