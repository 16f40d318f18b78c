import type { Command } from 'commander'
import type { PipelineResources } from '../contracts/outputs.ts'
import {
  CatalogueError,
  catalogue,
  createEvent,
  createPublisher,
  type EventDefinition,
} from '../functions/catalogue/index.ts'
import { CliError } from './cli-error.ts'
import { eventMessage, filterPolicySelects } from './filter-policy.ts'
import { readData } from './read-data.ts'
import { type PipelineReader, pipelineReader } from './readers/index.ts'
import { type TargetOptions, useTarget, withTargetOptions } from './target.ts'

interface PublishOptions extends TargetOptions {
  readonly data: string
  readonly eventVersion?: string
  readonly source: string
  readonly correlationId?: string
}

interface PublishResult {
  readonly eventId: string
  readonly messageId: string
  readonly eventType: string
  readonly version: number
  readonly topicArn: string
}

/** The catalogue definition of a type: the given version, else its latest. */
export function definitionOf(eventType: string, version: number | undefined): EventDefinition {
  const ofType = catalogue.filter((d) => d.type === eventType)
  const known = [...new Set(catalogue.map((d) => d.type))].join(', ')
  if (ofType.length === 0) {
    throw new CliError(`unknown event type '${eventType}': the catalogue has ${known}`)
  }
  const definition =
    version === undefined
      ? ofType.reduce((latest, d) => (d.version > latest.version ? d : latest))
      : ofType.find((d) => d.version === version)
  if (!definition) {
    throw new CliError(
      `${eventType} has no version ${version} in the catalogue (it has ${ofType.map((d) => d.version).join(', ')})`,
    )
  }
  return definition
}

/**
 * Refuses an event no consumer's subscription selects: the bus would only keep it on the
 * unroutable events queue. Subscriptions whose policy cannot be told are taken to select it.
 */
async function refuseUnroutable(
  reader: PipelineReader,
  pipeline: PipelineResources,
  event: { eventType: string; version: number },
): Promise<void> {
  const filters = await reader.subscriptionFilters(pipeline.eventTopicArn)
  const selecting = pipeline.consumers.filter(
    (c) => filterPolicySelects(filters.get(c.queueArn), eventMessage(event)) !== false,
  )
  if (selecting.length === 0) {
    throw new CliError(
      `no consumer selects ${event.eventType} v${event.version} (the consumers are ${pipeline.consumers.map((c) => c.name).join(', ')}): published, it would only be kept on the unroutable events queue, so it was not sent`,
    )
  }
}

/** Validates the payload against the catalogue, then publishes the event to the pipeline's bus. */
async function publishEvent(eventType: string, options: PublishOptions): Promise<PublishResult> {
  const version = options.eventVersion === undefined ? undefined : Number(options.eventVersion)
  if (version !== undefined && !Number.isInteger(version)) {
    throw new CliError(`--event-version must be a whole number, got '${options.eventVersion}'`)
  }
  const definition = definitionOf(eventType, version)
  const event = catalogueEvent(definition, readData(options.data), options)
  return useTarget(options, async (target) => {
    const reader = pipelineReader(target)
    const pipeline = await reader.resources()
    await refuseUnroutable(reader, pipeline, event)
    const published = await createPublisher({
      topicArn: pipeline.eventTopicArn,
      sns: target.clients.sns,
    }).publish(event)
    return {
      ...published,
      eventType: definition.type,
      version: definition.version,
      topicArn: pipeline.eventTopicArn,
    }
  })
}

/** A new event of the definition with this payload, validated; a CliError naming what is wrong. */
export function catalogueEvent(
  definition: EventDefinition,
  payload: unknown,
  meta: { readonly source: string; readonly correlationId?: string },
): ReturnType<typeof createEvent> {
  try {
    return createEvent(definition, payload as never, meta)
  } catch (error) {
    if (error instanceof CatalogueError) throw new CliError(error.message, { cause: error })
    throw error
  }
}

export function registerPublishCommand(program: Command): void {
  withTargetOptions(
    program
      .command('publish')
      .description('validate an event against the catalogue and publish it to the event bus')
      .argument('<eventType>', 'e.g. order.placed')
      .requiredOption('-d, --data <json|@file>', 'the payload: JSON, or @file.json (@- for stdin)')
      .option('--event-version <n>', 'schema version (default: the latest in the catalogue)')
      .option('--source <name>', 'the producing service, in the envelope', 'cli')
      .option('--correlation-id <id>', 'correlation id (default: the new event id)'),
  ).action(async (eventType: string, options: PublishOptions) => {
    const result = await publishEvent(eventType, options)
    console.log(
      options.json
        ? JSON.stringify(result)
        : `published ${result.eventType} v${result.version} ${result.eventId} (SNS message ${result.messageId})`,
    )
  })
}
