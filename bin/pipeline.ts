#!/usr/bin/env -S npx tsx
import { Command, CommanderError } from 'commander'
import { registerCatalogueCommand } from '../cli/catalogue.ts'
import { CliError } from '../cli/cli-error.ts'
import { registerContractsCommand } from '../cli/contracts.ts'
import { registerDevCommand } from '../cli/dev.ts'
import { registerDlqCommand } from '../cli/dlq.ts'
import { registerEmbeddedCommand } from '../cli/embedded.ts'
import { registerHistoryCommand } from '../cli/history.ts'
import { registerPublishCommand } from '../cli/publish.ts'
import { registerReplayCommand } from '../cli/replay.ts'
import { registerStatusCommand } from '../cli/status.ts'
import { registerTraceCommand } from '../cli/trace.ts'

const program = new Command('pipeline')
  .description('event-pipeline: run, inspect and drive the order event pipeline')
  .showHelpAfterError()
  .exitOverride()

registerDevCommand(program)
registerPublishCommand(program)
registerStatusCommand(program)
registerDlqCommand(program)
registerTraceCommand(program)
registerReplayCommand(program)
registerHistoryCommand(program)
registerEmbeddedCommand(program)
registerContractsCommand(program)
registerCatalogueCommand(program)

try {
  await program.parseAsync()
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode)
  console.error(`pipeline: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(error instanceof CliError ? error.exitCode : 1)
}
