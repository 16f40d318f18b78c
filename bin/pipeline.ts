#!/usr/bin/env -S npx tsx
import { Command, CommanderError } from 'commander'
import { parsePort, registerEmbeddedCommand, runEmbedded } from '../cli/embedded.ts'
import { defaultPort } from '../local/embedded-aws.ts'

const program = new Command('pipeline')
  .description('event-pipeline: run, inspect and drive the order event pipeline')
  .showHelpAfterError()
  .exitOverride()

registerEmbeddedCommand(program)

program
  .command('dev')
  .description('what `npm start` runs: start the embedded AWS and keep it running')
  .option('-p, --port <port>', 'port on 127.0.0.1 (0 picks a free one)', parsePort, defaultPort)
  .option('--data-dir <dir>', 'keep state in this folder across restarts (default: in memory)')
  .action(async (options: { port: number; dataDir?: string }) => {
    await runEmbedded(options)
  })

try {
  await program.parseAsync()
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode)
  console.error(`pipeline: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
