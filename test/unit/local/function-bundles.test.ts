import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  bundleFunction,
  type FunctionBundleOptions,
} from '../../../local/lambda/function-bundles.ts'

let root: string
let options: FunctionBundleOptions
let entry: string
const ago = (seconds: number) => new Date(Date.now() - seconds * 1000)

/** Writes a file as saved a while ago (a build ignores files saved while it reads them). */
function write(path: string, content: string, savedSecondsAgo = 10) {
  writeFileSync(path, content)
  utimesSync(path, ago(savedSecondsAgo), ago(savedSecondsAgo))
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'function-bundles-'))
  options = { dir: join(root, 'cache'), root }
  mkdirSync(join(root, 'functions', 'shared'), { recursive: true })
  entry = join(root, 'functions', 'handler.ts')
  write(
    entry,
    "import { greeting } from './shared/greeting.ts'\nexport const handler = async () => greeting\n",
  )
  write(
    join(root, 'functions', 'shared', 'greeting.ts'),
    "export const greeting: string = 'hello'\n",
  )
  write(join(root, 'package-lock.json'), '{"lockfileVersion":3}')
})

afterEach(() => rmSync(root, { recursive: true, force: true }))

let imports = 0
/** The bundle's handler's answer, from a fresh import of the file. */
async function run(file: string): Promise<unknown> {
  const module = (await import(`${pathToFileURL(file).href}?${imports++}`)) as {
    handler: () => Promise<unknown>
  }
  return module.handler()
}

describe('bundleFunction', () => {
  it('bundles the entry with what it imports, and reuses the bundle while nothing changed', async () => {
    const first = await bundleFunction(entry, options)
    expect(first.cached).toBe(false)
    expect(await run(first.file)).toBe('hello')
    const second = await bundleFunction(entry, options)
    expect(second).toEqual({ file: first.file, cached: true })
  })

  it('rebuilds when a module the entry imports changes', async () => {
    await bundleFunction(entry, options)
    write(
      join(root, 'functions', 'shared', 'greeting.ts'),
      "export const greeting: string = 'bye'\n",
    )
    const rebuilt = await bundleFunction(entry, options)
    expect(rebuilt.cached).toBe(false)
    expect(await run(rebuilt.file)).toBe('bye')
    expect((await bundleFunction(entry, options)).cached).toBe(true)
  })

  it('rebuilds when the entry itself changes', async () => {
    await bundleFunction(entry, options)
    write(
      entry,
      "import { greeting } from './shared/greeting.ts'\nexport const handler = async () => greeting.length\n",
    )
    const rebuilt = await bundleFunction(entry, options)
    expect(rebuilt.cached).toBe(false)
    expect(await run(rebuilt.file)).toBe(5)
  })

  it('rebuilds when a lock file changes (packages installed or upgraded)', async () => {
    await bundleFunction(entry, options)
    write(join(root, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}')
    expect((await bundleFunction(entry, options)).cached).toBe(false)
  })

  it('keeps no record of a build that read a file saved while it ran, so the next start builds again', async () => {
    write(
      join(root, 'functions', 'shared', 'greeting.ts'),
      "export const greeting: string = 'hi'\n",
      0,
    )
    expect((await bundleFunction(entry, options)).cached).toBe(false)
    expect((await bundleFunction(entry, options)).cached).toBe(false)
  })

  it('keeps one bundle per entry', async () => {
    const other = join(root, 'functions', 'other.ts')
    write(other, "export const handler = async () => 'other'\n")
    const one = await bundleFunction(entry, options)
    const two = await bundleFunction(other, options)
    expect(two.file).not.toBe(one.file)
    expect(await run(two.file)).toBe('other')
    expect((await bundleFunction(entry, options)).cached).toBe(true)
  })
})
