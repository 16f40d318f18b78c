import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse, stringify } from 'yaml'
import { CONSUMERS } from '../../contracts/consumers.ts'
import { PRODUCERS } from '../../contracts/producers.ts'
import { catalogue } from '../../functions/catalogue/index.ts'
import { asyncApiDocument, type ContractSources } from './asyncapi-document.ts'
import { type ContractChange, contractChanges } from './contract-changes.ts'
import { EVENT_EXAMPLES } from './event-examples.ts'

/** The committed contract, relative to the repository root. */
export const CONTRACT_PATH = 'contracts/asyncapi.yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The pipeline's own sources: its catalogue, consumers, producers and examples. */
export const pipelineSources: ContractSources = {
  definitions: catalogue,
  consumers: Object.values(CONSUMERS),
  producers: Object.values(PRODUCERS),
  examples: EVENT_EXAMPLES,
}

/** A document as the committed file holds it: YAML, one way, so text compares are exact. */
function contractText(document: unknown): string {
  return stringify(document, { lineWidth: 100 })
}

/** What comparing the live catalogue with a committed document found. */
export interface ContractCheck {
  readonly changes: readonly ContractChange[]
  readonly breaking: readonly ContractChange[]
  /** The live document's text, and whether the committed one is exactly it. */
  readonly text: string
  readonly upToDate: boolean
}

/** Compares the document generated from `sources` with a committed document's text. */
export function checkContract(
  committedText: string | undefined,
  sources: ContractSources = pipelineSources,
): ContractCheck {
  const live = asyncApiDocument(sources)
  const text = contractText(live)
  const changes = contractChanges(committedText === undefined ? {} : parse(committedText), live)
  return {
    changes,
    breaking: changes.filter((c) => c.breaking),
    text,
    upToDate: committedText === text,
  }
}

export function readCommittedContract(file = path.join(root, CONTRACT_PATH)): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

export function writeContract(text: string, file = path.join(root, CONTRACT_PATH)): void {
  writeFileSync(file, text)
}
