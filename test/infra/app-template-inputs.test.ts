import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { PIPELINE_APP_INPUTS, pipelineApp } from '../../cli/app-template.ts'
import { synthesizeStack } from '../../local/pipeline/synthesize-stack.ts'

// A cached template is reused only while these inputs are unchanged, so they must hold
// everything the template is made from: otherwise a change outside them would be missed.
const root = pipelineApp.cache.root
const covered = (file: string) =>
  PIPELINE_APP_INPUTS.some((input) => file === input || file.startsWith(`${input}/`))

describe("the pipeline app's template inputs", () => {
  it('hold every module of ours that the app imports', async () => {
    const result = await build({
      entryPoints: [path.join(root, 'lib', 'app.ts')],
      absWorkingDir: root,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      outdir: tmpdir(),
      logLevel: 'silent',
    })
    const modules = Object.keys(result.metafile.inputs)
    expect(modules).toContain('lib/order-pipeline-stack.ts')
    expect(modules.filter((file) => !covered(file))).toEqual([])
  })

  it('hold every file of the repository that the app reads while it synthesizes', async () => {
    const read = new Set<string>()
    const spied = ['readFileSync', 'openSync', 'readdirSync', 'statSync', 'existsSync'] as const
    const originals = spied.map((name) => [name, fs[name]] as const)
    for (const [name, original] of originals) {
      Object.assign(fs, {
        [name]: (file: unknown, ...rest: unknown[]) => {
          if (typeof file === 'string' || file instanceof URL) {
            const absolute = path.resolve(file instanceof URL ? file.pathname : file)
            // Packages change only with an install, which the lock files record.
            if (
              absolute.startsWith(root) &&
              !absolute.includes(`${path.sep}node_modules${path.sep}`)
            ) {
              read.add(path.relative(root, absolute).split(path.sep).join('/'))
            }
          }
          return (original as (...args: unknown[]) => unknown)(file, ...rest)
        },
      })
    }
    syncBuiltinESMExports()
    try {
      synthesizeStack(await pipelineApp.load())
    } finally {
      Object.assign(fs, Object.fromEntries(originals))
      syncBuiltinESMExports()
    }
    // The published contract, which the stack checks its consumers against: the spy sees reads.
    expect([...read]).toContain('contracts/asyncapi.yaml')
    expect([...read].filter((file) => file !== '' && !covered(file))).toEqual([])
  }, 60_000)
})
