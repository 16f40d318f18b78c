import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type BuildOptions, build, version as esbuildVersion } from 'esbuild'

/** Where function bundles are kept, and the folder their inputs are relative to. */
export interface FunctionBundleOptions {
  /** Folder of the bundles, one subfolder per entry. */
  readonly dir: string
  /** The project root: the lock files there are inputs of every bundle. */
  readonly root: string
}

/** A function's bundle, and whether it was reused. */
export interface FunctionBundle {
  readonly file: string
  readonly cached: boolean
}

/**
 * The options of a local bundle: those of the deployed one (lib/pipeline-function.ts: ESM for
 * node24, the AWS SDK left to the runtime, CommonJS dependencies given a require), but not
 * minified, so that a stack trace reads well even where its source map is not applied.
 */
const bundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*'],
  sourcemap: 'linked',
  sourcesContent: false,
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'silent',
} satisfies BuildOptions

const lockFiles = ['package-lock.json', 'node_modules/.package-lock.json']

/**
 * One file an execution environment imports instead of the function's TypeScript module
 * graph (a third of a cold start's CPU: one module to load instead of hundreds to resolve,
 * type-strip and compile), rebuilt from the entry whenever one of its inputs changed. The
 * bundle's record lists every file esbuild read for it (ours and the packages') with its
 * SHA-256, and the lock files', esbuild's version and these options; it is reused only if
 * every one of them is unchanged, so an edit anywhere in the function's graph rebuilds it.
 */
export async function bundleFunction(
  entry: string,
  options: FunctionBundleOptions,
): Promise<FunctionBundle> {
  const absolute = resolve(entry)
  const folder = join(options.dir, sha256(`${absolute}\n${JSON.stringify(bundleOptions)}`))
  const file = join(folder, 'index.mjs')
  const recordFile = join(folder, 'inputs.json')
  const context = contextHash(options.root)
  if (isUnchanged(recordFile, context)) return { file, cached: true }

  mkdirSync(folder, { recursive: true })
  const started = Date.now()
  const result = await build({
    ...bundleOptions,
    entryPoints: [absolute],
    outfile: file,
    absWorkingDir: options.root,
    metafile: true,
    write: false,
  } satisfies BuildOptions)
  for (const output of result.outputFiles) writeAtomically(output.path, output.contents)
  const paths = Object.keys(result.metafile.inputs).map((input) => resolve(options.root, input))
  // A file saved while esbuild read it may not be what the bundle holds: then no record, and
  // the next start builds again (a second of margin for coarse file times).
  if (paths.every((path) => statSync(path).mtimeMs < started - 1000)) {
    const inputs = Object.fromEntries(paths.map((path) => [path, sha256(readFileSync(path))]))
    // Last, so that a bundle half written is never taken for a complete one.
    writeAtomically(recordFile, JSON.stringify({ context, inputs }))
  }
  return { file, cached: false }
}

/** What every bundle depends on besides its own inputs: the packages installed and esbuild. */
function contextHash(root: string): string {
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\n`)
  for (const lock of lockFiles) {
    try {
      hash.update(`${lock} ${sha256(readFileSync(join(root, lock)))}\n`)
    } catch {
      hash.update(`${lock} absent\n`)
    }
  }
  return hash.digest('hex')
}

function isUnchanged(recordFile: string, context: string): boolean {
  let record: { context?: unknown; inputs?: Record<string, string> }
  try {
    record = JSON.parse(readFileSync(recordFile, 'utf8'))
  } catch {
    return false
  }
  if (record.context !== context || !record.inputs) return false
  return Object.entries(record.inputs).every(([path, hash]) => {
    try {
      return sha256(readFileSync(path)) === hash
    } catch {
      return false
    }
  })
}

function writeAtomically(path: string, contents: string | Uint8Array): void {
  const partial = `${path}.${process.pid}.partial`
  writeFileSync(partial, contents)
  renameSync(partial, path)
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}
