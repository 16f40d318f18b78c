import type { ConsumerResources, PipelineResources } from '../../contracts/outputs.ts'
import type { SpanRecord } from '../../contracts/trace-context.ts'
import {
  type SpansDocument,
  type StackDocument,
  type StatusDocument,
  spansRoute,
  stackRoute,
  statusRoute,
  type TemplateDocument,
  templateRoute,
} from '../../local/pipeline/pipeline-routes.ts'
import { CliError } from '../cli-error.ts'
import { unreachable } from '../target.ts'
import { AwsApiReader } from './aws-api-reader.ts'
import type { ConsumerFigures, StackTemplate } from './pipeline-reader.ts'

/** How long a request to the running `pipeline dev` may take. */
const routeTimeoutMs = 5000

/**
 * The pipeline that `pipeline dev` runs on the embedded AWS: it serves the provisioned
 * stack's outputs and what its event source mappings have seen on its own endpoint.
 */
export class EmbeddedPipelineReader extends AwsApiReader {
  async resources(): Promise<PipelineResources> {
    let response: Response
    try {
      response = await this.#get(stackRoute)
    } catch (error) {
      throw new CliError(unreachable(this.target), { cause: error })
    }
    if (response.status === 503) {
      throw new CliError(
        `the pipeline at ${this.target.endpoint} is still starting: try again in a few seconds`,
      )
    }
    if (!response.ok) {
      throw new CliError(
        `${this.target.endpoint} answers but runs no pipeline (an embedded AWS from \`pipeline embedded\`, or another server): start the pipeline with \`npm start\``,
      )
    }
    return this.pipelineOf(((await response.json()) as StackDocument).outputs)
  }

  async consumerFigures(consumers: readonly ConsumerResources[]): Promise<ConsumerFigures[]> {
    const status = await this.#status()
    return consumers.map((c) => {
      const figures = status?.functions[c.functionName]
      return {
        oldestAgeSeconds: status?.oldestMessageAgeSeconds[c.queueName] ?? null,
        processed: figures?.processed ?? (status ? 0 : null),
        duplicates: figures?.duplicates ?? (status ? 0 : null),
        deadLetteredRecords: figures?.deadLettered ?? (status ? 0 : null),
        retried: figures?.failed ?? (status ? 0 : null),
        latencyP50Ms: figures?.latencyP50Ms ?? null,
        latencyP99Ms: figures?.latencyP99Ms ?? null,
      }
    })
  }

  async oldestMessageAges(queueNames: readonly string[]): Promise<Map<string, number>> {
    const ages = new Map<string, number>()
    const status = await this.#status().catch(() => undefined)
    for (const name of queueNames) {
      const age = status?.oldestMessageAgeSeconds[name]
      if (typeof age === 'number') ages.set(name, age)
    }
    return ages
  }

  async spans(eventId: string): Promise<readonly SpanRecord[] | null> {
    const response = await this.#get(`${spansRoute}?eventId=${encodeURIComponent(eventId)}`)
    if (!response.ok) return null
    const document = (await response.json()) as SpansDocument
    return document.tracing ? document.spans : null
  }

  /** The template `npm start` synthesized and provisioned. */
  async stackTemplate(): Promise<StackTemplate> {
    const response = await this.#get(templateRoute)
    if (!response.ok) {
      throw new CliError(`${this.target.endpoint} serves no stack template (${response.status})`)
    }
    return (await response.json()) as TemplateDocument
  }

  /** The runner's status document; undefined when the endpoint answers without one. */
  async #status(): Promise<StatusDocument | undefined> {
    const response = await this.#get(statusRoute)
    return response.ok ? ((await response.json()) as StatusDocument) : undefined
  }

  #get(route: string): Promise<Response> {
    return fetch(`${this.target.endpoint}${route}`, { signal: AbortSignal.timeout(routeTimeoutMs) })
  }
}
