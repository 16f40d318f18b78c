import { createHash } from 'node:crypto'
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { join, relative, sep } from 'node:path'
import { type CreateApp, type SynthesizedStack, synthesizeStack } from './synthesize-stack.ts'

/** Where synthesized templates are kept, and what decides whether one can be reused. */
interface TemplateCacheOptions {
  /** Folder of the cached templates, one file per key. */
  readonly dir: string
  /** The folder `inputs` are relative to. */
  readonly root: string
  /**
   * Every file and folder (taken whole, recursively) the template is made from: the app's
   * sources, what it imports, and the lock file of the packages it uses. A change to any
   * byte of them is a new key.
   */
  readonly inputs: readonly string[]
}

/** A CDK app to synthesize only when its template is not cached: loading it takes seconds. */
export interface CachedApp {
  readonly load: () => Promise<CreateApp>
  readonly cache: TemplateCacheOptions
}

/** A synthesized stack, and whether it came from the cache (under which key). */
export interface CachedSynthesis extends SynthesizedStack {
  readonly cached: boolean
  readonly key: string
}

/** Bumped when what a cache file holds, or how the key is made, changes. */
const cacheFormat = 'event-pipeline template cache 1'

/**
 * The app's template, reused from `cache.dir` when its key is there; otherwise loaded,
 * synthesized and stored. The key is a SHA-256 over every input file's path and content, the
 * variables the CDK reads from the environment (`CDK_*`, which include the context the CDK
 * CLI passes), the root's path and the Node.js version, so a template is reused only for exactly the inputs it
 * was made from: an edit, a `git checkout` or an `npm install` makes a new one.
 */
export async function synthesizeCached(
  app: CachedApp,
  onSynthesize: () => void = () => {},
): Promise<CachedSynthesis> {
  const key = templateKey(app.cache)
  const file = join(app.cache.dir, `${key}.json`)
  const cached = readCached(file)
  if (cached) {
    // Marked used, so that pruning keeps the templates in use (least recently used go first).
    const now = new Date()
    utimesSync(file, now, now)
    return { ...cached, cached: true, key }
  }
  onSynthesize()
  const synthesized = synthesizeStack(await app.load())
  mkdirSync(app.cache.dir, { recursive: true })
  // Written aside, then renamed: a reader never sees half a file, two writers race harmlessly.
  const partial = `${file}.${process.pid}.partial`
  writeFileSync(partial, JSON.stringify(synthesized))
  renameSync(partial, file)
  pruneCache(app.cache.dir)
  return { ...synthesized, cached: false, key }
}

/** Templates kept: each edit of the app makes one, and a few cover switching branches. */
const keptTemplates = 10

/** Deletes all but the most recently used templates. */
function pruneCache(dir: string): void {
  const templates = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => ({ path: join(dir, name), used: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.used - a.used)
  for (const { path } of templates.slice(keptTemplates)) rmSync(path, { force: true })
}

/** The cache key of the inputs as they are now. */
function templateKey(cache: TemplateCacheOptions, env = process.env): string {
  // The root too: the CDK's asset hashes of skipped bundles depend on absolute paths.
  const hash = createHash('sha256').update(
    `${cacheFormat}\n${process.version}\nroot ${cache.root}\n`,
  )
  for (const [name, value] of Object.entries(env)
    .filter(([name]) => name.startsWith('CDK_'))
    .sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`env ${name}=${value}\n`)
  }
  for (const input of cache.inputs) {
    for (const file of filesUnder(join(cache.root, input))) {
      const name = relative(cache.root, file).split(sep).join('/')
      const content = createHash('sha256').update(readFileSync(file)).digest('hex')
      hash.update(`file ${name} ${content}\n`)
    }
  }
  return hash.digest('hex')
}

/** The files of a path, sorted; a missing path is none, which the key records by absence. */
function filesUnder(path: string): string[] {
  let stats: ReturnType<typeof statSync>
  try {
    stats = statSync(path)
  } catch {
    return []
  }
  if (!stats.isDirectory()) return [path]
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)))
}

function readCached(file: string): SynthesizedStack | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SynthesizedStack>
    if (typeof parsed.stackName === 'string' && typeof parsed.template === 'object') {
      return parsed as SynthesizedStack
    }
  } catch {
    // Not there, or unreadable: synthesize.
  }
  return undefined
}
