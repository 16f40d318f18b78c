import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = new URL('../../../', import.meta.url).pathname

describe("the package's bin", () => {
  it('runs the TypeScript CLI (npx pipeline --help)', async () => {
    const { stdout } = await run(process.execPath, ['bin/pipeline.js', '--help'], { cwd: root })
    expect(stdout).toContain('Usage: pipeline')
    for (const command of ['dev', 'publish', 'status', 'embedded'])
      expect(stdout).toContain(command)
  })
})
