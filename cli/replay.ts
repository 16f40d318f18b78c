import type { Command } from 'commander'
import type { PipelineResources } from '../contracts/outputs.ts'
import { type RebuildProgress, rebuildReadModel } from '../functions/order-read-model/index.ts'
import { CliError } from './cli-error.ts'
import { pipelineReader } from './readers/index.ts'
import { checkReplayTarget } from './replay-target.ts'
import { type TargetOptions, useTarget, withTargetOptions } from './target.ts'

interface ReplayOptions extends TargetOptions {
  readonly readModel: string
  readonly into?: string
  readonly force?: boolean
}

interface ReplayResult extends RebuildProgress {
  readonly readModel: string
  readonly table: string
  readonly durationMs: number
}

/** The read models a replay can rebuild: where each lives. */
const readModels: Record<string, (pipeline: PipelineResources) => string> = {
  orders: (pipeline) => pipeline.ordersTableName,
}

/**
 * Rebuilds a read model by replaying the event store into its table, or into another
 * (empty) table; `onProgress` gets the running counts after each page of streams.
 */
async function replayReadModel(
  options: ReplayOptions,
  onProgress: (progress: RebuildProgress) => void = () => {},
): Promise<ReplayResult> {
  const tableOf = readModels[options.readModel]
  if (!tableOf) {
    throw new CliError(
      `unknown read model '${options.readModel}': the read models are ${Object.keys(readModels).join(', ')}`,
    )
  }
  return useTarget(options, async (target) => {
    const pipeline = await pipelineReader(target).resources()
    const table = options.into ?? tableOf(pipeline)
    await checkReplayTarget(
      target.clients.dynamodb,
      options.readModel,
      table,
      tableOf(pipeline),
      options.force === true,
    )
    const started = Date.now()
    try {
      const progress = await rebuildReadModel({
        client: target.clients.documents,
        eventsTable: pipeline.eventsTableName,
        readModelTable: table,
        onProgress,
      })
      return { readModel: options.readModel, table, ...progress, durationMs: Date.now() - started }
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') {
        throw new CliError(
          `table ${table} does not exist on ${target.name}: create it with the ${options.readModel} read model's key schema first`,
          { cause: error },
        )
      }
      throw error
    }
  })
}

export function registerReplayCommand(program: Command): void {
  withTargetOptions(
    program
      .command('replay')
      .description('rebuild a read model by replaying the event store')
      .requiredOption(
        '--read-model <name>',
        `the read model: ${Object.keys(readModels).join(', ')}`,
      )
      .option('--into <table>', 'rebuild into this (empty) table instead of the live one')
      .option(
        '--force',
        '--into a table that holds rows or is not shaped like the read model: replay into it anyway',
      ),
  ).action(async (options: ReplayOptions) => {
    const result = await replayReadModel(options, (p) => {
      if (!options.json) {
        console.error(
          `replayed ${p.streams} stream(s), ${p.events} event(s); ${p.written} row(s) written`,
        )
      }
    })
    if (options.json) {
      console.log(JSON.stringify(result))
      return
    }
    console.log(
      `rebuilt ${result.readModel} in ${result.table}: ${result.streams} stream(s), ${result.events} event(s), ${result.written} row(s) written${result.newer ? `, ${result.newer} already newer` : ''} in ${result.durationMs} ms`,
    )
  })
}
