/**
 * One Lambda execution environment: runs in its own worker thread, so that the function's
 * module state and `process.env` are its own, as in Lambda. It loads the handler from the
 * TypeScript entry as soon as it starts (the init phase, the cold start), says `ready`,
 * and then runs the invocations its host sends, one at a time.
 */
import { pathToFileURL } from 'node:url'
import { parentPort, workerData } from 'node:worker_threads'
import type { EnvironmentData, EnvironmentMessage, InvokeMessage } from '../invocation.ts'
import { createLambdaContext } from './lambda-context.ts'

type Handler = (event: unknown, context: unknown) => unknown

const { entry, handlerExport } = workerData as EnvironmentData
const port = parentPort
if (!port)
  throw new Error(
    'execution-environment/worker.ts runs in a worker thread started by LocalFunction',
  )
const send = (message: EnvironmentMessage) => port.postMessage(message)

class RuntimeError extends Error {
  constructor(name: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = name
  }
}

async function loadHandler(): Promise<Handler> {
  // Node's own type stripping loads the functions' TypeScript (erasable syntax only, as
  // tsconfig enforces) three times faster than tsx's loader; tsx is the fallback for a
  // Node without it.
  if (!(process.features as { typescript?: unknown }).typescript) {
    const { register } = await import('tsx/esm/api')
    register()
  }
  let module: Record<string, unknown>
  try {
    module = await import(pathToFileURL(entry).href)
  } catch (error) {
    throw new RuntimeError(
      'Runtime.ImportModuleError',
      `Cannot load ${entry}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )
  }
  const exported = module[handlerExport]
  if (typeof exported !== 'function') {
    throw new RuntimeError(
      'Runtime.HandlerNotFound',
      `${entry} does not export a function named ${handlerExport}`,
    )
  }
  return exported as Handler
}

function errorFields(error: unknown) {
  const e = error instanceof Error ? error : new Error(String(error))
  return { errorType: e.name, errorMessage: e.message, stack: e.stack }
}

try {
  const handler = await loadHandler()
  port.on('message', async (message: InvokeMessage) => {
    try {
      const response = await handler(message.event, createLambdaContext(message.context))
      // Lambda serializes the response as JSON; undefined becomes null.
      let serialized: unknown
      try {
        serialized = JSON.parse(JSON.stringify(response ?? null))
      } catch (error) {
        throw new RuntimeError('Runtime.MarshalError', 'Unable to marshal response: not JSON', {
          cause: error,
        })
      }
      send({ type: 'result', id: message.id, response: serialized })
    } catch (error) {
      send({ type: 'error', id: message.id, ...errorFields(error) })
    }
  })
  send({ type: 'ready' })
} catch (error) {
  const { errorType, errorMessage } = errorFields(error)
  send({ type: 'init-error', errorType, errorMessage })
}
