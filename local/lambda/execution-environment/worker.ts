/**
 * One Lambda execution environment, the worker side (`host.ts` is the other): runs in its
 * own worker thread, so that the function's module state and `process.env` are its own, as
 * in Lambda. It loads the handler from the TypeScript entry as soon as it starts (the init
 * phase, the cold start), says `ready`, and then runs the invocations its host sends.
 */
import { pathToFileURL } from 'node:url'
import { workerData } from 'node:worker_threads'
import { installLocalTransport } from '../../../contracts/local-transport.ts'
import { portTransport, routedTransport } from '../../wire-service.ts'
import { serveRequests } from '../../worker-channel.ts'
import type { EnvironmentAnswer, EnvironmentData, InvokeRequest } from '../invocation.ts'
import { captureFunctionOutput } from './function-output.ts'
import { createLambdaContext } from './lambda-context.ts'

type Handler = (event: unknown, context: unknown) => unknown

const { entry, handlerExport, transportPorts, log } = workerData as EnvironmentData

// Before the handler loads: its loggers write to process.stdout and stderr from then on.
const output = captureFunctionOutput(log)

// Where local and AWS part: with ports from the host, the function's SDK clients
// (sdkTransportConfig in functions/) send unsigned over them; without, over HTTP as on AWS.
if (transportPorts) {
  installLocalTransport(
    routedTransport({
      dynamodb: portTransport(transportPorts.dynamodb),
      snsSqs: portTransport(transportPorts.snsSqs),
    }),
  )
}

class RuntimeError extends Error {
  constructor(name: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = name
  }
}

async function loadHandler(): Promise<Handler> {
  // Node's own type stripping loads the functions' TypeScript (erasable syntax only, as
  // tsconfig enforces) in a third of tsx's time; tsx is the fallback for a Node without it.
  // See docs/decisions/0003-execution-environments-strip-types-with-node.md.
  if (!(process.features as { typescript?: unknown }).typescript) {
    const { register } = await import('tsx/esm/api')
    register()
  }
  // A bundled entry's stack traces point at its TypeScript, as NODE_OPTIONS=--enable-source-maps
  // makes them on AWS (a worker thread takes no per-process flags).
  process.setSourceMapsEnabled(true)
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

async function invoke(handler: Handler, { event, context }: InvokeRequest): Promise<unknown> {
  const response = await handler(event, createLambdaContext(context))
  // Lambda serializes the response as JSON; undefined becomes null.
  try {
    return JSON.parse(JSON.stringify(response ?? null))
  } catch (error) {
    throw new RuntimeError('Runtime.MarshalError', 'Unable to marshal response: not JSON', {
      cause: error,
    })
  }
}

await serveRequests<InvokeRequest, EnvironmentAnswer>(
  'execution-environment/worker.ts',
  async () => {
    const handler = await loadHandler()
    output.takeMetrics() // what the init phase emitted belongs to no invocation
    return {
      ready: undefined,
      async handle(request) {
        try {
          const response = await invoke(handler, request)
          return { ok: true, response, metrics: output.takeMetrics() }
        } catch (error) {
          const e = error instanceof Error ? error : new Error(String(error))
          return {
            ok: false,
            errorType: e.name,
            errorMessage: e.message,
            metrics: output.takeMetrics(),
          }
        }
      },
    }
  },
)
