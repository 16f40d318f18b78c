/**
 * One cold start of a bundled function, in a process of its own (init.bench.ts spawns it):
 * imports the bundle, hands it one SQS event, and sends the parent how long the import and
 * the first invocation took. Node's own type stripping runs this file, so nothing but the
 * bundle (and the AWS SDK it imports, as the Lambda runtime provides it) loads in between.
 *
 * argv: the bundle's path, the handler's export name, and a JSON { event, context } where
 * context is the invocation's InvocationContextData.
 */
import { pathToFileURL } from 'node:url'
import {
  createLambdaContext,
  type InvocationContextData,
} from '../../../local/lambda/execution-environment/lambda-context.ts'

const [bundle, handlerExport, invocation] = process.argv.slice(2)
if (!bundle || !handlerExport || !invocation || !process.send) {
  throw new Error('first-record.ts: run by init.bench.ts with an IPC channel')
}
const { event, context } = JSON.parse(invocation) as {
  event: unknown
  context: InvocationContextData
}

// CPU time beside wall time: on a loaded machine the wall time is mostly waiting for a core.
const cpuMs = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}
const started = performance.now()
const startedCpu = cpuMs()
const module = (await import(pathToFileURL(bundle).href)) as Record<string, unknown>
const imported = performance.now()
const importedCpu = cpuMs()
const handler = module[handlerExport] as (event: unknown, context: unknown) => Promise<unknown>
const response = (await handler(event, createLambdaContext(context))) as {
  batchItemFailures?: unknown[]
} | null
const handled = performance.now()
const handledCpu = cpuMs()

process.send(
  {
    importMs: imported - started,
    firstRecordMs: handled - imported,
    cpuMs: handledCpu - startedCpu,
    importCpuMs: importedCpu - startedCpu,
    failures: response?.batchItemFailures?.length ?? 0,
  },
  () => process.exit(0),
)
