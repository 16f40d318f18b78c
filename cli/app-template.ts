import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CONSUMERS } from '../contracts/consumers.ts'
import type { CachedApp } from '../local/pipeline/template-cache.ts'

const root = fileURLToPath(new URL('..', import.meta.url))

/**
 * What the pipeline app's template is made from, relative to the repository root: the CDK
 * side's sources and the contracts they import and read (contracts/asyncapi.yaml), the
 * functions' entries (NodejsFunction checks them at synth), and the packages installed
 * (npm's lock files). The rest of the handlers' code is not: the template only names their
 * entries, and locally they run from source. test/infra/app-template-inputs.test.ts checks
 * that every file the app imports or touches while it synthesizes is under one of these.
 */
export const PIPELINE_APP_INPUTS: readonly string[] = [
  'lib',
  'contracts',
  ...Object.values(CONSUMERS).map((consumer) => consumer.entry),
  'functions/outbox-publisher/handler.ts',
  'package-lock.json',
  'node_modules/.package-lock.json',
  'tsconfig.json',
]

/**
 * The pipeline app for `pipeline dev`, loaded (aws-cdk-lib takes a second or two to import)
 * and synthesized only when no template is cached for its inputs as they are now. The cache
 * lives beside the packages, in node_modules/.cache, as tools' caches do.
 */
const cacheDir = join(root, 'node_modules', '.cache', 'event-pipeline')

export const pipelineApp: CachedApp = {
  load: async () => (await import('../lib/app.ts')).createPipelineApp,
  cache: {
    dir: join(cacheDir, 'templates'),
    root,
    inputs: PIPELINE_APP_INPUTS,
  },
}

/** Where `pipeline dev` keeps its functions' bundles (local/lambda/function-bundles.ts). */
export const functionBundles = { dir: join(cacheDir, 'functions'), root }
