import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreateApp } from '../../../local/pipeline/synthesize-stack.ts'
import { type CachedApp, synthesizeCached } from '../../../local/pipeline/template-cache.ts'

let root: string

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'template-cache-'))
  mkdirSync(join(root, 'app', 'constructs'), { recursive: true })
  writeFileSync(join(root, 'app', 'stack.ts'), 'queues: 1')
  writeFileSync(join(root, 'app', 'constructs', 'queue.ts'), 'retention: 14')
  writeFileSync(join(root, 'lock.json'), '{"aws-cdk-lib":"2.276.0"}')
})

afterEach(() => rmSync(root, { recursive: true, force: true }))

/** An app whose template says how many times it was synthesized; counts its loads too. */
function countingApp(): CachedApp & { loads: number; syntheses: number } {
  const counted = {
    loads: 0,
    syntheses: 0,
    cache: { dir: join(root, 'cache'), root, inputs: ['app', 'lock.json'] },
    load: async (): Promise<CreateApp> => {
      counted.loads++
      return () => ({
        app: {
          synth: () => {
            counted.syntheses++
            return {
              getStackArtifact: () => ({ template: { Description: `synth ${counted.syntheses}` } }),
            }
          },
        },
        stack: { stackName: 'Shop', artifactId: 'Shop' },
      })
    },
  }
  return counted
}

describe('synthesizeCached', () => {
  it('reuses the template while no input changed, without loading the app', async () => {
    const app = countingApp()
    const first = await synthesizeCached(app)
    const second = await synthesizeCached(app)
    expect(first).toMatchObject({ cached: false, stackName: 'Shop' })
    expect(second).toMatchObject({ cached: true, key: first.key, stackName: 'Shop' })
    expect(second.template).toEqual({ Description: 'synth 1' })
    expect(app.loads).toBe(1)
  })

  it.each([
    ['a changed file', () => writeFileSync(join(root, 'app', 'stack.ts'), 'queues: 2')],
    [
      'a file changed deep in a folder',
      () => writeFileSync(join(root, 'app', 'constructs', 'queue.ts'), 'retention: 4'),
    ],
    ['a new file', () => writeFileSync(join(root, 'app', 'constructs', 'topic.ts'), '')],
    ['a deleted file', () => rmSync(join(root, 'app', 'constructs', 'queue.ts'))],
    [
      'a renamed file',
      () => {
        rmSync(join(root, 'app', 'constructs', 'queue.ts'))
        writeFileSync(join(root, 'app', 'constructs', 'queues.ts'), 'retention: 14')
      },
    ],
    [
      'a changed lock file',
      () => writeFileSync(join(root, 'lock.json'), '{"aws-cdk-lib":"2.277.0"}'),
    ],
  ])('synthesizes again after %s', async (_, change) => {
    const app = countingApp()
    const before = await synthesizeCached(app)
    change()
    const after = await synthesizeCached(app)
    expect(after.cached).toBe(false)
    expect(after.key).not.toBe(before.key)
    expect(after.template).toEqual({ Description: 'synth 2' })
  })

  it('synthesizes again when a CDK_ variable changes (the CDK reads context and the account from them)', async () => {
    const app = countingApp()
    const before = await synthesizeCached(app)
    process.env.CDK_DEFAULT_REGION = 'eu-west-1'
    try {
      const after = await synthesizeCached(app)
      expect(after.cached).toBe(false)
      expect(after.key).not.toBe(before.key)
    } finally {
      delete process.env.CDK_DEFAULT_REGION
    }
    expect((await synthesizeCached(app)).key).toBe(before.key)
  })

  it('does not share a template between two checkouts of the same files', async () => {
    const app = countingApp()
    const other = mkdtempSync(join(tmpdir(), 'template-cache-other-'))
    try {
      const here = await synthesizeCached(app)
      // The same files at another path, with the same cache folder.
      cpSync(join(root, 'app'), join(other, 'app'), { recursive: true })
      cpSync(join(root, 'lock.json'), join(other, 'lock.json'))
      const there = await synthesizeCached({ ...app, cache: { ...app.cache, root: other } })
      expect(there.key).not.toBe(here.key)
      expect(there.cached).toBe(false)
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })

  it('synthesizes again when the cached template is unreadable', async () => {
    const app = countingApp()
    const { key } = await synthesizeCached(app)
    writeFileSync(join(root, 'cache', `${key}.json`), '{"stackName": "Shop", "templ')
    const again = await synthesizeCached(app)
    expect(again).toMatchObject({ cached: false, key, template: { Description: 'synth 2' } })
    expect((await synthesizeCached(app)).cached).toBe(true)
  })

  it('keeps the ten most recently used templates', async () => {
    const app = countingApp()
    for (let i = 0; i < 12; i++) {
      writeFileSync(join(root, 'app', 'stack.ts'), `queues: ${i}`)
      await synthesizeCached(app)
    }
    expect(readdirSync(join(root, 'cache')).filter((f) => f.endsWith('.json'))).toHaveLength(10)
  })
})
