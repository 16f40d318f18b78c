import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runPipeline, spawnPipeline } from './pipeline-cli.ts'

/** `pipeline embedded` on the folder, once it says where it listens. */
async function startEmbedded(dataDir: string) {
  const started = spawnPipeline(['embedded', '--port', '0', '--data-dir', dataDir])
  let stdout = ''
  await new Promise<void>((resolve, reject) => {
    started.child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk
      if (stdout.includes('Ctrl-C stops it.')) resolve()
    })
    started.child.once('exit', (code) => reject(new Error(`pipeline embedded exited with ${code}`)))
  })
  return started.child
}

// Issue 17, item 9: a second pipeline on the same --data-dir failed with "Iterator is not
// open: cannot call next() after close()" instead of saying the folder is in use.
describe('two pipelines on one --data-dir', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'in-use-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('the second says the folder is in use, by which process; after a kill -9 it is free', async () => {
    const first = await startEmbedded(dataDir)
    // The process that holds the folder: tsx runs the CLI in a child of its own.
    const holder = Number(readFileSync(join(dataDir, 'pipeline.lock'), 'utf8'))
    try {
      const second = await runPipeline(['embedded', '--port', '0', '--data-dir', dataDir])
      expect(second.code).toBe(1)
      expect(second.stderr.trim()).toBe(
        `pipeline: the data folder ${dataDir} is in use by another pipeline or embedded AWS (process ${holder}): stop it first, or choose another --data-dir`,
      )
    } finally {
      process.kill(holder, 'SIGKILL')
      first.kill('SIGKILL')
    }
    await new Promise((resolve) => first.once('exit', resolve))
    const third = await startEmbedded(dataDir)
    third.kill('SIGINT')
    await new Promise((resolve) => third.once('exit', resolve))
  })
})
