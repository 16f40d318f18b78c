import { spawn } from 'node:child_process'
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { FunctionDefinition } from '../../../local/lambda/function-definitions.ts'
import type { FunctionLog } from '../../../local/lambda/function-log.ts'
import { LocalFunction } from '../../../local/lambda/local-function.ts'

const fixture = (file: string) =>
  fileURLToPath(new URL(`./fixtures/environment/${file}`, import.meta.url))

function definition(overrides: Partial<FunctionDefinition> = {}): FunctionDefinition {
  return {
    logicalId: 'Fn',
    functionName: 'environment-fixture',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:environment-fixture',
    entry: fixture('handlers.ts'),
    handlerExport: 'handler',
    timeoutSeconds: 10,
    memorySizeMb: 128,
    runtime: 'nodejs24.x',
    environment: {},
    ...overrides,
  }
}

const tsxBin = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url))

const started: LocalFunction[] = []
function localFunction(
  overrides: Partial<FunctionDefinition> = {},
  initTimeoutMs?: number,
  log?: FunctionLog,
) {
  const fn = new LocalFunction({
    definition: definition(overrides),
    // No AWS is called: the handlers only need an endpoint to be set.
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    initTimeoutMs,
    log,
  })
  started.push(fn)
  return fn
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((fn) => fn.stop()))
})

describe('a local function in its execution environment', () => {
  it('returns the response as JSON, with the invocation request id', async () => {
    const fn = localFunction()
    const result = await fn.invoke({ action: 'echo' })
    expect(result).toMatchObject({ ok: true, response: { event: { action: 'echo' } } })
    expect(result.ok && result.response).toMatchObject({
      requestId: result.requestId,
      functionName: 'environment-fixture',
    })
    expect(await fn.invoke({ action: 'undefined' })).toMatchObject({ ok: true, response: null })
    expect(fn.stats).toMatchObject({ invocations: 2, errors: 0, coldStarts: 1, environments: 1 })
  })

  it("fails with the thrown error's name and message, and keeps the environment", async () => {
    const fn = localFunction()
    expect(await fn.invoke({ action: 'throw' })).toMatchObject({
      ok: false,
      errorType: 'TypeError',
      errorMessage: 'the event asked to throw',
    })
    expect(await fn.invoke({ action: 'not-json' })).toMatchObject({
      ok: false,
      errorType: 'Runtime.MarshalError',
    })
    expect(fn.stats).toMatchObject({ errors: 2, coldStarts: 1 })
  })

  it('fails with Runtime.ExitError when the runtime dies, and starts a new environment', async () => {
    const fn = localFunction()
    expect(await fn.invoke({ action: 'uncaught' })).toMatchObject({
      ok: false,
      errorType: 'Runtime.ExitError',
      errorMessage: 'RangeError: thrown from a timer',
    })
    expect(await fn.invoke({ action: 'exit' })).toMatchObject({
      ok: false,
      errorType: 'Runtime.ExitError',
      errorMessage: 'the runtime exited with code 3',
    })
    expect(await fn.invoke({ action: 'echo' })).toMatchObject({ ok: true })
    expect(fn.stats).toMatchObject({ coldStarts: 3, environments: 1 })
  })

  it('refuses an event that cannot be sent, without losing the environment', async () => {
    const fn = localFunction()
    expect(await fn.invoke({ action: 'echo', callback: () => {} })).toMatchObject({
      ok: false,
      errorType: 'InvalidRequestContentException',
      durationMs: 0,
    })
    expect(await fn.invoke({ action: 'echo' })).toMatchObject({ ok: true })
    expect(fn.stats).toMatchObject({ coldStarts: 1 })
  })

  it('reads the EMF metrics the invocation wrote, and logs its lines with the function’s name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'function-log-'))
    try {
      const file = join(dir, 'functions.log')
      const fn = localFunction({}, undefined, { fd: openSync(file, 'a'), style: 'file' })
      expect(await fn.invoke({ action: 'metrics' })).toMatchObject({
        ok: true,
        metrics: { processed: [1, 1], eventAge: [250] },
      })
      // Each invocation's own: the next one emitted none.
      expect(await fn.invoke({ action: 'echo' })).toMatchObject({ ok: true, metrics: {} })
      const lines = readFileSync(file, 'utf8').split('\n')
      expect(lines[0]).toBe('environment-fixture counting two records')
      expect(lines[1]).toMatch(/^environment-fixture \{"_aws":/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('has every line the function wrote in the log when its process is killed with -9 right after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'function-log-'))
    try {
      const file = join(dir, 'functions.log')
      const child = spawn(tsxBin, [fixture('invoke-then-killed.ts'), file], { stdio: 'ignore' })
      const exit = await new Promise((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      )
      // tsx runs the script in a child of its own and passes on how it ended.
      expect([
        { code: null, signal: 'SIGKILL' },
        { code: 137, signal: null },
      ]).toContainEqual(exit)
      expect(readFileSync(file, 'utf8')).toBe(
        'killed-fixture last words\nkilled-fixture and a partial line\n',
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("names what went wrong in the init phase with Lambda's error types", async () => {
    const cases: [Partial<FunctionDefinition>, number | undefined, object][] = [
      [
        { entry: fixture('init-throws.ts') },
        undefined,
        {
          errorType: 'Runtime.ImportModuleError',
          errorMessage: expect.stringContaining('the module failed to load'),
        },
      ],
      [
        { handlerExport: 'nothing' },
        undefined,
        {
          errorType: 'Runtime.HandlerNotFound',
          errorMessage: expect.stringContaining('does not export a function named nothing'),
        },
      ],
      [
        { entry: fixture('init-exits.ts') },
        undefined,
        {
          errorType: 'Runtime.ExitError',
          errorMessage: 'the runtime exited with code 2 during init',
        },
      ],
      [
        { entry: fixture('init-slow.ts') },
        500,
        {
          errorType: 'Runtime.InitTimeout',
          errorMessage: 'the init phase took longer than 500 ms',
        },
      ],
      [
        { entry: undefined },
        undefined,
        {
          errorType: 'Runtime.ImportModuleError',
          errorMessage: expect.stringContaining('has no Metadata.EventPipeline.entry'),
        },
      ],
    ]
    for (const [overrides, initTimeoutMs, failure] of cases) {
      const fn = localFunction(overrides, initTimeoutMs)
      expect(await fn.invoke({ action: 'echo' })).toMatchObject({ ok: false, ...failure })
      expect(fn.stats).toMatchObject({ invocations: 1, errors: 1, environments: 0 })
    }
  })
})
