import type { Command } from 'commander'
import { localDefaults } from '../local/defaults.ts'
import type { EmbeddedAws } from '../local/embedded-aws.ts'
import type { FaultRule } from '../local/faults/fault-rules.ts'
import { FaultSpecError, formatFaults, parseFaults } from '../local/faults/parse-faults.ts'
import { CliError } from './cli-error.ts'
import { readArgument } from './read-data.ts'

interface EmbeddedCommandOptions {
  readonly port: number
  readonly dataDir?: string
  readonly faults?: readonly FaultRule[]
}

/** Starts the embedded AWS, prints how to reach it, and runs until Ctrl-C. */
async function runEmbedded(options: EmbeddedCommandOptions): Promise<EmbeddedAws> {
  // Loaded on use: importing the emulators takes seconds that other commands should not pay.
  const { startEmbeddedAws } = await import('../local/embedded-aws.ts')
  const aws = await startEmbeddedAws({
    port: options.port,
    dataDir: options.dataDir,
    faults: options.faults,
  })
  console.log(describeEmbeddedAws(aws, options.dataDir))
  stopOnSignal(aws)
  return aws
}

function describeEmbeddedAws(aws: EmbeddedAws, dataDir?: string): string {
  const memoryMiB = Math.round(process.memoryUsage().rss / 2 ** 20)
  const e = aws.endpoint
  return [
    `Embedded AWS (SNS, SQS, DynamoDB, DynamoDB Streams) on ${e}`,
    `  started ${aws.startedAt.toISOString()}, ${memoryMiB} MiB resident, ${dataDir ? `state in ${dataDir}` : 'state in memory'}`,
    ...(aws.faults.rules.length > 0 ? [`  ${describeFaults(aws.faults.rules)}`] : []),
    '',
    'AWS SDK for JavaScript v3:',
    `  new SQSClient({ endpoint: '${e}', region: '${aws.region}', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } })`,
    `  or: export AWS_ENDPOINT_URL=${e} AWS_REGION=${aws.region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`,
    'aws CLI:',
    `  aws --endpoint-url ${e} --region ${aws.region} sns create-topic --name demo`,
    `  aws --endpoint-url ${e} --region ${aws.region} dynamodb list-tables`,
    '  (with AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test, or any credentials)',
    '',
    'Ctrl-C stops it.',
  ].join('\n')
}

function stopOnSignal(aws: { stop(): Promise<void> }): void {
  const stop = () => {
    console.log('\nstopping…')
    aws.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

export function registerEmbeddedCommand(program: Command): void {
  const command = program
    .command('embedded')
    .description('start the embedded AWS (SNS, SQS, DynamoDB) on one endpoint and keep it running')
  withEmbeddedAwsOptions(command).action(async (options: EmbeddedCommandOptions) => {
    await runEmbedded(options)
  })
}

/** Where the embedded AWS listens, keeps its state, and what it gets wrong: `--port`, `--data-dir`, `--faults`. */
export function withEmbeddedAwsOptions(command: Command): Command {
  return command
    .option(
      '-p, --port <port>',
      'port on 127.0.0.1 (0 picks a free one)',
      parsePort,
      localDefaults.port,
    )
    .option('--data-dir <dir>', 'keep state in this folder across restarts (default: in memory)')
    .option(
      '--faults <spec|@file>',
      "inject AWS errors, latency and lost replies, e.g. 'dynamodb:throttle=5%,lost=1%; sqs.ReceiveMessage:latency=20-200ms@10%' (default: none; see the README)",
      parseFaultsOption,
    )
}

/** `--faults`: a spec inline or in a file, checked before anything starts. */
function parseFaultsOption(value: string): FaultRule[] {
  const { text, where } = readArgument(value, '--faults')
  try {
    return parseFaults(text)
  } catch (error) {
    if (error instanceof FaultSpecError)
      throw new CliError(`${where}: ${error.problems.join('; ')}`, { cause: error })
    throw error
  }
}

/** One line for a person: which faults are injected. */
function describeFaults(rules: readonly FaultRule[]): string {
  return `fault injection on: ${formatFaults(rules)}`
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535, got '${value}'`)
  }
  return port
}
