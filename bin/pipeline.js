#!/usr/bin/env node
// `npx pipeline …`: runs the TypeScript CLI (bin/pipeline.ts) through tsx, so it works on
// every Node the project supports without a build step.
import { register } from 'tsx/esm/api'

register()
await import('./pipeline.ts')
