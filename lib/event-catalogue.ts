import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { EVENT_MESSAGE_ATTRIBUTES } from '../contracts/message-attributes.ts'

/** The published contract the stack checks its consumers against, relative to the repository. */
export const PUBLISHED_CONTRACT = 'contracts/asyncapi.yaml'

/**
 * The event types and versions a catalogue defines, as the stack sees it: read from the
 * published AsyncAPI document, since the CDK side never imports the Lambda side's schemas
 * (decision 0004). `npm run contracts` keeps the document equal to the catalogue.
 */
export class EventCatalogue {
  /** Where the catalogue was read, for messages. */
  readonly source: string
  readonly #versions: ReadonlyMap<string, readonly number[]>

  constructor(source: string, versions: ReadonlyMap<string, readonly number[]>) {
    this.source = source
    this.#versions = versions
  }

  /** Reads an AsyncAPI document's messages: `name` is the type, the version header's `const` the version. */
  static fromAsyncApi(file: string, displayName = file): EventCatalogue {
    const document = parse(readFileSync(file, 'utf8')) as {
      components?: { messages?: Record<string, Record<string, unknown>> }
    }
    const versions = new Map<string, number[]>()
    for (const [id, message] of Object.entries(document.components?.messages ?? {})) {
      const headers = message.headers as
        | { properties?: Record<string, { const?: unknown }> }
        | undefined
      const version = Number(headers?.properties?.[EVENT_MESSAGE_ATTRIBUTES.version.name]?.const)
      if (typeof message.name !== 'string' || !Number.isInteger(version)) {
        throw new Error(`${displayName}: message ${id} has no name or no version header const`)
      }
      versions.set(message.name, [...(versions.get(message.name) ?? []), version])
    }
    return new EventCatalogue(displayName, versions)
  }

  /** The versions of a type, ascending; empty when the catalogue lacks the type. */
  versionsOf(eventType: string): readonly number[] {
    return [...(this.#versions.get(eventType) ?? [])].sort((a, b) => a - b)
  }

  /** Why a subscription to these types and versions is wrong, one line each; empty when none. */
  problemsOf(
    consumerName: string,
    exactTypes: readonly string[],
    versions: Readonly<Record<string, readonly number[]>>,
  ): string[] {
    return exactTypes.flatMap((type) => {
      const known = this.versionsOf(type)
      if (known.length === 0) {
        return [
          `consumer '${consumerName}' subscribes to ${type}, which the catalogue (${this.source}) does not define`,
        ]
      }
      return (versions[type] ?? [])
        .filter((version) => !known.includes(version))
        .map(
          (version) =>
            `consumer '${consumerName}' subscribes to ${type} v${version}, which the catalogue (${this.source}) does not define (it has ${known.map((v) => `v${v}`).join(', ')})`,
        )
    })
  }
}

/** The repository's own published catalogue. */
export function publishedCatalogue(root: string): EventCatalogue {
  return EventCatalogue.fromAsyncApi(path.join(root, PUBLISHED_CONTRACT), PUBLISHED_CONTRACT)
}
