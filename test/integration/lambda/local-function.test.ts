import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { FunctionDefinition } from '../../../local/lambda/function-definitions.ts'
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

const started: LocalFunction[] = []
function localFunction(overrides: Partial<FunctionDefinition> = {}, initTimeoutMs?: number) {
  const fn = new LocalFunction({
    definition: definition(overrides),
    // No AWS is called: the handlers only need an endpoint to be set.
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    initTimeoutMs,
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
