import { seedDemoStock } from '../../cli/demo-stock.ts'
import { resolveTarget, type Target } from '../../cli/target.ts'
import { type PipelineResources, parseStackOutputs } from '../../contracts/outputs.ts'
import { createPipelineApp } from '../../lib/app.ts'
import {
  type LocalPipeline,
  type LocalPipelineOptions,
  startLocalPipeline,
} from '../../local/pipeline/start-local-pipeline.ts'

/** The order pipeline of lib/app.ts on a free port, its demo SKUs stocked, and a target for it. */
export interface DemoPipeline {
  readonly pipeline: LocalPipeline
  readonly target: Target
  readonly resources: PipelineResources
  stop(): Promise<void>
}

export async function startDemoPipeline(
  options: Omit<LocalPipelineOptions, 'createApp'> = {},
  stock = 1000,
): Promise<DemoPipeline> {
  const pipeline = await startLocalPipeline({ createApp: createPipelineApp, port: 0, ...options })
  const resources = parseStackOutputs(pipeline.stack.outputs)
  const target = resolveTarget({
    target: 'embedded',
    endpoint: pipeline.aws.endpoint,
    region: pipeline.aws.region,
  })
  await seedDemoStock(target.clients.documents, resources.inventoryTableName, stock)
  return {
    pipeline,
    target,
    resources,
    async stop() {
      target.clients.destroy()
      await pipeline.stop()
    },
  }
}
