import type { Command } from 'commander'
import { consumerStatuses } from './consumer-status.ts'
import { pipelineReader } from './readers/index.ts'
import { statusTable } from './status-table.ts'
import { type TargetOptions, useTarget, withTargetOptions } from './target.ts'

interface StatusOptions extends TargetOptions {
  readonly watch?: boolean
}

export function registerStatusCommand(program: Command): void {
  withTargetOptions(
    program
      .command('status')
      .description(
        'per consumer: messages visible, in flight, dead-lettered, oldest age, processed, p50/p99 latency',
      )
      .option('-w, --watch', 'refresh every 2 seconds until Ctrl-C'),
  ).action((options: StatusOptions) =>
    useTarget(options, async (target) => {
      const reader = pipelineReader(target)
      const pipeline = await reader.resources()
      for (;;) {
        const statuses = await consumerStatuses(reader, pipeline)
        if (options.json) console.log(JSON.stringify({ target: target.name, consumers: statuses }))
        else {
          if (options.watch) process.stdout.write('\x1b[2J\x1b[H')
          console.log(
            `${target.name}${target.endpoint ? ` (${target.endpoint})` : ` (${target.region})`}\n${statusTable(statuses)}`,
          )
        }
        if (!options.watch) return
        await new Promise((resolve) => setTimeout(resolve, 2000))
      }
    }),
  )
}
