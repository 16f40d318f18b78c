import { StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs'
import { type Command, Option } from 'commander'
import type { ConsumerResources, PipelineResources } from '../contracts/outputs.ts'
import { CliError } from './cli-error.ts'
import type { DeadLetter } from './dlq-messages.ts'
import { type RedriveRoute, RedriveSendError, redriveMessages } from './dlq-redrive.ts'
import { type PipelineReader, pipelineReader, totalMessages } from './readers/index.ts'
import { type Target, type TargetOptions, useTarget, withTargetOptions } from './target.ts'
import { textTable } from './text-table.ts'

/** Which of a consumer's two DLQs a command reads. */
const dlqChoices = ['dlq', 'delivery', 'both'] as const
export type DlqChoice = (typeof dlqChoices)[number]

interface DlqListOptions extends TargetOptions {}

interface DlqShowOptions extends TargetOptions {
  readonly limit?: string
  readonly queue: DlqChoice
}

interface DlqRedriveOptions extends TargetOptions {
  readonly max?: string
  readonly limit?: string
  readonly rate?: string
  readonly eventId?: string
  readonly queue: DlqChoice
  readonly moveTask?: boolean
}

/** `pipeline dlq list`: one row per consumer. */
export interface DlqCount {
  readonly consumer: string
  /** Messages on the consumer's DLQ (visible and in flight). */
  readonly deadLettered: number
  /** Messages on its subscription's delivery DLQ: SNS could not deliver them to the queue. */
  readonly undelivered: number
  readonly oldestAgeSeconds: number | null
}

/** The consumer of that name, or a CliError naming the consumers there are. */
function consumerNamed(pipeline: PipelineResources, name: string): ConsumerResources {
  const consumer = pipeline.consumers.find((c) => c.name === name)
  if (!consumer) {
    throw new CliError(
      `unknown consumer '${name}': the pipeline has ${pipeline.consumers.map((c) => c.name).join(', ')}`,
    )
  }
  return consumer
}

/** What `pipeline dlq show|redrive unroutable` reads: the bus's queue of events no consumer selects. */
const UNROUTABLE = 'unroutable'

/** A consumer's DLQs, or the unroutable events queue: where its messages go back to. */
interface DeadLetterSource {
  readonly name: string
  /** Where a redrive sends them, for people. */
  readonly destination: string
  routes(choice: DlqChoice): RedriveRoute[]
}

function consumerSource(consumer: ConsumerResources): DeadLetterSource {
  return {
    name: consumer.name,
    destination: consumer.queueName,
    routes: (choice) => routesOf(consumer, choice),
  }
}

/** The unroutable events, published to the bus again when redriven. */
function unroutableSource(target: Target, pipeline: PipelineResources): DeadLetterSource {
  return {
    name: UNROUTABLE,
    destination: 'the event bus',
    routes: () => [
      {
        from: 'unroutable',
        dlqUrl: pipeline.unroutableQueueUrl,
        topicArn: pipeline.eventTopicArn,
        sns: target.clients.sns,
      },
    ],
  }
}

/** A consumer's DLQs by its name, or the unroutable events queue (`unroutable`). */
export function sourceNamed(
  target: Target,
  pipeline: PipelineResources,
  name: string,
): DeadLetterSource {
  return name === UNROUTABLE
    ? unroutableSource(target, pipeline)
    : consumerSource(consumerNamed(pipeline, name))
}

/** Where a route's messages go back to, for people. */
function destinationOf(route: RedriveRoute): string {
  return route.from === 'unroutable' ? route.topicArn : route.queueUrl
}

/** The name of a queue from its URL (the last path segment). */
function queueNameOf(queueUrl: string): string {
  return queueUrl.slice(queueUrl.lastIndexOf('/') + 1)
}

function parseLimit(value: string | undefined, fallback: number, option = '--limit'): number {
  if (value === undefined) return fallback
  const limit = Number(value)
  if (!Number.isInteger(limit) || limit < 1) {
    throw new CliError(`${option} takes a number of messages (1 or more), got '${value}'`)
  }
  return limit
}

function parseRate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const rate = Number(value)
  if (!Number.isFinite(rate) || rate <= 0) {
    throw new CliError(`--rate takes messages a second (more than 0), got '${value}'`)
  }
  return rate
}

function routesOf(consumer: ConsumerResources, choice: DlqChoice): RedriveRoute[] {
  const routes: RedriveRoute[] = []
  if (choice !== 'delivery')
    routes.push({ from: 'dlq', dlqUrl: consumer.deadLetterQueueUrl, queueUrl: consumer.queueUrl })
  if (choice !== 'dlq')
    routes.push({
      from: 'delivery',
      dlqUrl: consumer.deliveryDeadLetterQueueUrl,
      queueUrl: consumer.queueUrl,
    })
  return routes
}

/** How many messages each consumer's DLQs hold, and the age of the oldest. */
async function deadLetterCounts(
  reader: PipelineReader,
  consumers: readonly ConsumerResources[],
): Promise<DlqCount[]> {
  const counts = await Promise.all(
    consumers.map(async (c) => {
      const [dlq, delivery] = await Promise.all([
        reader.queueDepth(c.deadLetterQueueUrl),
        reader.queueDepth(c.deliveryDeadLetterQueueUrl),
      ])
      return { deadLettered: totalMessages(dlq), undelivered: totalMessages(delivery) }
    }),
  )
  const ages = await reader.oldestMessageAges(
    consumers.flatMap((c) => [c.deadLetterQueueName, queueNameOf(c.deliveryDeadLetterQueueUrl)]),
  )
  return consumers.map((c, i) => {
    const own = [
      ages.get(c.deadLetterQueueName),
      ages.get(queueNameOf(c.deliveryDeadLetterQueueUrl)),
    ].filter((age): age is number => typeof age === 'number')
    return {
      consumer: c.name,
      ...counts[i]!,
      oldestAgeSeconds: own.length > 0 ? Math.max(...own) : null,
    }
  })
}

/** The row of the unroutable events queue: what no consumer selects. */
async function unroutableCount(
  reader: PipelineReader,
  pipeline: PipelineResources,
): Promise<DlqCount> {
  const url = pipeline.unroutableQueueUrl
  const [depth, ages] = await Promise.all([
    reader.queueDepth(url),
    reader.oldestMessageAges([queueNameOf(url)]),
  ])
  const age = ages.get(queueNameOf(url))
  return {
    consumer: UNROUTABLE,
    deadLettered: totalMessages(depth),
    undelivered: 0,
    oldestAgeSeconds: typeof age === 'number' ? age : null,
  }
}

/** Up to `limit` messages of a consumer's DLQs, with why they failed; they stay where they are. */
async function showDeadLetters(
  reader: PipelineReader,
  source: DeadLetterSource,
  choice: DlqChoice,
  limit: number,
): Promise<DeadLetter[]> {
  const messages: DeadLetter[] = []
  for (const route of source.routes(choice)) {
    if (messages.length >= limit) break
    messages.push(...(await reader.deadLetters(route.dlqUrl, route.from, limit - messages.length)))
  }
  return messages
}

/** What `pipeline dlq redrive` prints with --json. */
export interface RedriveSummary {
  readonly consumer: string
  /** Messages on the DLQs redriven when the redrive started: the most it moves. */
  readonly present: number
  readonly moved: number
  readonly eventIds: readonly (string | null)[]
  /** Sent back but still on the DLQ as well (their delete failed). */
  readonly notDeleted: number
}

/** Moves a consumer's dead letters back to its queue (unroutable events to the bus), client-side. */
export async function redrive(
  target: Target,
  source: DeadLetterSource,
  options: {
    readonly choice: DlqChoice
    readonly limit: number
    readonly eventId?: string
    readonly ratePerSecond?: number
    readonly onProgress?: (line: string) => void
  },
): Promise<RedriveSummary> {
  const sqs = target.clients.sqs
  const moved: DeadLetter[] = []
  let notDeleted = 0
  let present = 0
  for (const route of source.routes(options.choice)) {
    if (moved.length >= options.limit) break
    try {
      const result = await redriveMessages(sqs, route, {
        limit: options.limit - moved.length,
        eventId: options.eventId,
        ratePerSecond: options.ratePerSecond,
        onMoved: (message, progress) =>
          options.onProgress?.(
            `moved ${message.eventType ?? 'message'} ${message.eventId ?? message.messageId} to ${route.from === 'unroutable' ? 'the event bus' : queueNameOf(route.queueUrl)} (${moved.length + progress.moved} of ${moved.length + progress.of}${route.from === 'delivery' ? ', from the delivery DLQ' : ''})`,
          ),
      })
      present += result.present
      moved.push(...result.moved)
      notDeleted += result.notDeleted.length
      for (const { message, error } of result.notDeleted) {
        options.onProgress?.(
          `sent ${message.eventId ?? message.messageId} back, but could not delete it from the DLQ (${error}): it is still there too`,
        )
      }
    } catch (error) {
      if (!(error instanceof RedriveSendError)) throw error
      const cause = error.cause as { name?: string; message?: string }
      const before = moved.length + error.moved.length
      throw new CliError(
        `could not send ${error.failed.eventId ?? error.failed.messageId} back to ${destinationOf(route)} (${cause.name ?? 'Error'}: ${cause.message ?? String(cause)}); it is still on the DLQ, as is every message not moved (${before} moved before the failure)`,
        { cause: error },
      )
    }
  }
  return {
    consumer: source.name,
    present,
    moved: moved.length,
    eventIds: moved.map((m) => m.eventId ?? null),
    notDeleted,
  }
}

/**
 * AWS only: SQS's own StartMessageMoveTask from the consumer's DLQ to its queue. It runs
 * asynchronously on AWS and keeps the failure metadata attributes on the moved messages.
 */
async function startMoveTask(target: Target, consumer: ConsumerResources): Promise<string> {
  const { TaskHandle } = await target.clients.sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: consumer.deadLetterQueueArn,
      DestinationArn: consumer.queueArn,
    }),
  )
  return TaskHandle ?? ''
}

function describeMessage(m: DeadLetter): string {
  const lines = [
    `${m.eventType ?? '(no event type)'} ${m.eventId ?? '(no event id)'}  message ${m.messageId}${m.queue === 'delivery' ? ', undelivered by SNS' : ''}${m.sentAt ? `, dead-lettered ${m.sentAt}` : ''}`,
  ]
  const f = m.failure
  if (f) {
    lines.push(`  ${f.errorName ?? 'Error'}: ${f.errorMessage ?? ''}`)
    lines.push(
      `  attempts ${f.attempts ?? '?'}, first failure ${f.firstFailureAt ?? '?'}, last failure ${f.lastFailureAt ?? '?'}`,
    )
  } else if (m.queue === 'dlq') {
    lines.push('  no failure metadata: SQS moved it after maxReceiveCount receives')
  } else if (m.queue === 'unroutable') {
    lines.push(
      `  no consumer selects it: its eventType attribute is ${m.originalAttributes.eventType?.StringValue ? `'${m.originalAttributes.eventType.StringValue}'` : 'missing'}`,
    )
  }
  return lines.join('\n')
}

function countsTable(counts: readonly DlqCount[]): string {
  return textTable(
    [
      { title: 'consumer', cell: (c) => c.consumer },
      { title: 'DLQ', cell: (c) => String(c.deadLettered), align: 'right' },
      { title: 'undelivered', cell: (c) => String(c.undelivered), align: 'right' },
      {
        title: 'oldest',
        cell: (c) => (c.oldestAgeSeconds === null ? '-' : `${Math.round(c.oldestAgeSeconds)}s`),
        align: 'right',
      },
    ],
    counts,
  )
}

function queueOption() {
  return new Option(
    '--queue <queue>',
    "the consumer's DLQ, its subscription's delivery DLQ (what SNS could not deliver), or both",
  )
    .choices(dlqChoices)
    .default('both')
}

export function registerDlqCommand(program: Command): void {
  const dlq = program
    .command('dlq')
    .description("inspect and redrive the consumers' dead-letter queues")

  withTargetOptions(
    dlq
      .command('list')
      .description('per consumer: messages on its DLQ and its delivery DLQ, and the oldest age')
      .argument('[consumer]', 'only this consumer'),
  ).action((name: string | undefined, options: DlqListOptions) =>
    useTarget(options, async (target) => {
      const reader = pipelineReader(target)
      const pipeline = await reader.resources()
      const consumers =
        name === undefined
          ? pipeline.consumers
          : name === UNROUTABLE
            ? []
            : [consumerNamed(pipeline, name)]
      const counts = await deadLetterCounts(reader, consumers)
      if (name === undefined || name === UNROUTABLE) {
        counts.push(await unroutableCount(reader, pipeline))
      }
      console.log(
        options.json
          ? JSON.stringify({ target: target.name, consumers: counts })
          : countsTable(counts),
      )
    }),
  )

  withTargetOptions(
    dlq
      .command('show')
      .description(
        "the messages on a consumer's DLQs with why they failed; read without consuming them (they stay on the DLQ)",
      )
      .argument('<consumer>', 'e.g. inventory')
      .option('-n, --limit <n>', 'messages to show at most', '10')
      .addOption(queueOption()),
  ).action((name: string, options: DlqShowOptions) => {
    const limit = parseLimit(options.limit, 10)
    return useTarget(options, async (target) => {
      const reader = pipelineReader(target)
      const consumer = sourceNamed(target, await reader.resources(), name)
      const messages = await showDeadLetters(reader, consumer, options.queue, limit)
      if (options.json) {
        console.log(
          JSON.stringify({
            consumer: consumer.name,
            messages: messages.map(({ receiptHandle: _, originalAttributes, ...m }) => ({
              ...m,
              attributes: Object.fromEntries(
                Object.entries(originalAttributes).map(([k, v]) => [k, v.StringValue ?? null]),
              ),
            })),
          }),
        )
      } else if (messages.length === 0) {
        console.log(`the DLQ of ${consumer.name} is empty`)
      } else {
        console.log(
          [
            `${consumer.name}: ${messages.length} dead-lettered message${messages.length === 1 ? '' : 's'}${messages.length === limit ? ` (the first ${limit}; --limit for more)` : ''}`,
            ...messages.map(describeMessage),
          ].join('\n'),
        )
      }
    })
  })

  withTargetOptions(
    dlq
      .command('redrive')
      .description(
        "move a consumer's dead letters back to its queue: original body and attributes, failure metadata removed; each is deleted from the DLQ only after the send succeeded",
      )
      .argument('<consumer>', 'e.g. inventory')
      .option(
        '-n, --max <n>',
        'messages to move at most (default: all those on the DLQ when the redrive starts)',
      )
      .addOption(new Option('--limit <n>', 'the same as --max').hideHelp())
      .option(
        '--rate <n>',
        'messages to move a second at most (default: as fast as SQS takes them)',
      )
      .option('--event-id <id>', 'only the messages of this event')
      .addOption(queueOption())
      .option(
        '--move-task',
        "--target aws only: start SQS's StartMessageMoveTask for the consumer's DLQ instead (asynchronous, all messages, keeps the failure attributes)",
      ),
  ).action((name: string, options: DlqRedriveOptions) => {
    const limit = parseLimit(
      options.max ?? options.limit,
      Number.POSITIVE_INFINITY,
      options.max !== undefined ? '--max' : '--limit',
    )
    const ratePerSecond = parseRate(options.rate)
    return useTarget(options, async (target) => {
      if (options.moveTask && target.name !== 'aws') {
        throw new CliError(
          `--move-task uses SQS's StartMessageMoveTask, which only --target aws has; without it the redrive runs here, on ${target.name} too`,
        )
      }
      if (
        options.moveTask &&
        (limit !== Number.POSITIVE_INFINITY || options.eventId !== undefined)
      ) {
        throw new CliError(
          '--move-task moves every message: drop --max and --event-id, or drop --move-task',
        )
      }
      const pipeline = await pipelineReader(target).resources()
      if (options.moveTask && name === UNROUTABLE) {
        throw new CliError(
          '--move-task moves messages between queues; unroutable events go back to the bus: drop --move-task',
        )
      }
      const source = sourceNamed(target, pipeline, name)
      if (options.moveTask) {
        const consumer = consumerNamed(pipeline, name)
        const handle = await startMoveTask(target, consumer)
        console.log(
          options.json
            ? JSON.stringify({ consumer: consumer.name, taskHandle: handle })
            : `started a message move task from ${consumer.deadLetterQueueName} to ${consumer.queueName} (task ${handle}); aws sqs list-message-move-tasks --source-arn ${consumer.deadLetterQueueArn} follows it`,
        )
        return
      }
      const summary = await redrive(target, source, {
        choice: options.queue,
        limit,
        eventId: options.eventId,
        ratePerSecond,
        onProgress: (line) => process.stderr.write(`${line}\n`),
      })
      if (summary.moved === 0 && options.eventId !== undefined) {
        throw new CliError(`no message of event ${options.eventId} is on the DLQ of ${source.name}`)
      }
      if (options.json) console.log(JSON.stringify(summary))
      else if (summary.moved === 0)
        console.log(`nothing to redrive: the DLQ of ${source.name} is empty`)
      else
        console.log(
          `redrove ${summary.moved} of the ${summary.present} message${summary.present === 1 ? '' : 's'} on the DLQ when it started to ${source.destination}${summary.notDeleted > 0 ? ` (${summary.notDeleted} still on the DLQ too: their delete failed)` : ''}; messages dead-lettered since then stay on the DLQ`,
        )
    })
  })
}
