/**
 * Cold start of each consumer's deployed bundle: from the import of the bundle to its first
 * handled record, in a fresh Node.js process per start (`npm run bench -- init`).
 *
 * The CDK app is synthesized with bundling on (the same esbuild bundles `cdk deploy`
 * ships), its template provisioned on the embedded AWS, and one `order.placed` (every
 * consumer takes it) published on the bus per round. For each consumer, its copy is
 * received from the consumer's queue and handed to its bundle in a new process
 * (support/first-record.ts) with the function's environment from the template, which
 * calls the embedded AWS over HTTP as the function does on AWS: the idempotency lease, the
 * handler's reads and its transaction all count. Rounds interleave the consumers so that
 * machine load hits them alike; the median of BENCH_INIT_ROUNDS (default 5) counts.
 * Budget: under 100 ms.
 */
import { fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SNSClient } from '@aws-sdk/client-sns'
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { EVENT_EXAMPLES } from '../../cli/contracts/event-examples.ts'
import { parseStackOutputs } from '../../contracts/outputs.ts'
import { createEvent, createPublisher, OrderPlacedV1 } from '../../functions/catalogue/index.ts'
import { createPipelineApp } from '../../lib/app.ts'
import { emulatorClientConfig } from '../../local/client-config.ts'
import { startEmbeddedAws } from '../../local/embedded-aws.ts'
import { toSqsRecord } from '../../local/lambda/event-sources/sqs-records.ts'
import { lambdaEnvironment } from '../../local/lambda/execution-environment/host.ts'
import { functionDefinitions } from '../../local/lambda/function-definitions.ts'
import { planProvisioning } from '../../local/provisioner/plan.ts'
import { provision } from '../../local/provisioner/provision.ts'
import { emulatorAccountId } from '../../local/provisioner/template.ts'

const rounds = Number(process.env.BENCH_INIT_ROUNDS ?? 5)
const budgetMs = 100
const root = fileURLToPath(new URL('../..', import.meta.url))
const driver = fileURLToPath(new URL('./support/first-record.ts', import.meta.url))

// Inside the repository (gitignored .local/), so the bundles' AWS SDK imports resolve
// against node_modules as they resolve against the Lambda runtime's.
mkdirSync(join(root, '.local'), { recursive: true })
const outdir = mkdtempSync(join(root, '.local', 'bench-init-'))
const aws = await startEmbeddedAws({ port: 0 })
const sqs = new SQSClient(emulatorClientConfig(aws.endpoint))
const sns = new SNSClient(emulatorClientConfig(aws.endpoint))
try {
  const { app, stack: cdkStack } = createPipelineApp({
    outdir,
    builtinValidation: false,
    // Asset paths in the template's metadata, as the CDK CLI asks for them.
    context: { 'aws:cdk:enable-asset-metadata': true },
  })
  const template = app.synth().getStackArtifact(cdkStack.artifactId).template
  const stack = await provision(
    planProvisioning(template, {
      stackName: cdkStack.stackName,
      region: aws.region,
      accountId: emulatorAccountId,
    }),
    { endpoint: aws.endpoint },
  )
  const resources = parseStackOutputs(stack.outputs)
  const definitions = functionDefinitions(stack, root)
  const consumers = resources.consumers.map((consumer) => {
    const definition = definitions.find((d) => d.functionName === consumer.functionName)
    const resource = stack.resources.find((r) => r.physicalId === consumer.functionName)
    const assetPath = resource?.metadata?.['aws:asset:path']
    if (!definition || typeof assetPath !== 'string') {
      throw new Error(`no bundled function found for consumer ${consumer.name}`)
    }
    const bundle = join(outdir, assetPath, 'index.mjs')
    return { consumer, definition, bundle, kb: statSync(bundle).size / 1024, starts: [] as Start[] }
  })
  const publisher = createPublisher({ topicArn: resources.eventTopicArn, sns })

  console.log(`load average before: ${loadavg()[0]!.toFixed(2)}`)
  for (let round = 1; round <= rounds; round++) {
    await publisher.publish(
      createEvent(
        OrderPlacedV1,
        {
          ...(EVENT_EXAMPLES['order.placed v1'] as object),
          orderId: `bench-init-${round}`,
        } as never,
        { source: 'bench' },
      ),
    )
    for (const c of consumers) c.starts.push(await coldStart(c, round))
  }

  console.log(
    `\nimport of the bundle → first handled record, fresh process each (median of ${rounds}):`,
  )
  console.log('consumer        bundle       import  first record        total  CPU (import)')
  let worst = 0
  for (const c of consumers) {
    const total = median(c.starts.map((s) => s.importMs + s.firstRecordMs))
    worst = Math.max(worst, total)
    const of = (field: keyof Start) => ms(median(c.starts.map((s) => s[field])))
    console.log(
      `${c.consumer.name.padEnd(14)} ${c.kb.toFixed(0).padStart(4)} KB ${of('importMs')} ${of('firstRecordMs')} ${ms(total)} ${of('cpuMs')} (${of('importCpuMs').trim()})`,
    )
  }
  console.log(`load average after: ${loadavg()[0]!.toFixed(2)}`)
  console.log(
    `slowest consumer: ${worst.toFixed(0)} ms (budget ${budgetMs} ms): ${worst < budgetMs ? 'within budget' : 'OVER BUDGET'}`,
  )
} finally {
  sqs.destroy()
  sns.destroy()
  await aws.stop()
  rmSync(outdir, { recursive: true, force: true })
}

interface Start {
  readonly importMs: number
  readonly firstRecordMs: number
  /** CPU time (user + system) of the import and the first record together. */
  readonly cpuMs: number
  readonly importCpuMs: number
}

/** Receives the consumer's copy of this round's event and hands it to a fresh process. */
async function coldStart(
  c: {
    consumer: { name: string; queueUrl: string; queueArn: string }
    definition: ReturnType<typeof functionDefinitions>[number]
    bundle: string
  },
  round: number,
): Promise<Start> {
  const { Messages: [message] = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: c.consumer.queueUrl,
      MaxNumberOfMessages: 1,
      WaitTimeSeconds: 5,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  )
  if (!message) throw new Error(`round ${round}: nothing reached the ${c.consumer.name} queue`)
  const invocation = {
    event: { Records: [toSqsRecord(message, c.consumer.queueArn, aws.region)] },
    context: {
      awsRequestId: `bench-init-${round}-${c.consumer.name}`,
      deadlineMs: Date.now() + c.definition.timeoutSeconds * 1000,
      functionName: c.definition.functionName,
      functionArn: c.definition.functionArn,
      memorySizeMb: c.definition.memorySizeMb,
      logStreamName: `bench-init-${round}`,
    },
  }
  const child = fork(driver, [c.bundle, c.definition.handlerExport, JSON.stringify(invocation)], {
    env: {
      ...lambdaEnvironment({
        definition: c.definition,
        endpoint: aws.endpoint,
        region: aws.region,
      }),
      LAMBDA_TASK_ROOT: join(c.bundle, '..'),
    },
    execArgv: [],
    // The function's logs go to a pipe, as Lambda's do, and are dropped.
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  })
  child.stdout?.resume()
  const result = await new Promise<Start & { failures: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Start & { failures: number }))
    child.once('exit', (code) =>
      reject(
        new Error(`${c.consumer.name}: the cold start exited with ${code} before it reported`),
      ),
    )
  })
  if (result.failures > 0) {
    throw new Error(`${c.consumer.name}: round ${round}'s record failed in the bundle`)
  }
  await sqs.send(
    new DeleteMessageCommand({
      QueueUrl: c.consumer.queueUrl,
      ReceiptHandle: message.ReceiptHandle,
    }),
  )
  return result
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function ms(value: number): string {
  return `${value.toFixed(1).padStart(7)} ms`
}
