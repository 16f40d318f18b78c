import { DiagnosticSeverity, Parser } from '@asyncapi/parser'
import { describe, expect, it } from 'vitest'
import { describeChange } from '../../../cli/contracts/contract-changes.ts'
import {
  CONTRACT_PATH,
  checkContract,
  readCommittedContract,
} from '../../../cli/contracts/contract-file.ts'
import { CONSUMERS } from '../../../contracts/consumers.ts'
import { PRODUCERS } from '../../../contracts/producers.ts'
import { catalogue, findEvent } from '../../../functions/catalogue/index.ts'

const committed = readCommittedContract()

describe(`the committed contract (${CONTRACT_PATH})`, () => {
  it('is exactly what the catalogue generates, with no breaking change', () => {
    expect(committed, `${CONTRACT_PATH} is missing: run npm run contracts`).toBeDefined()
    const check = checkContract(committed)
    expect(check.breaking.map(describeChange)).toEqual([])
    expect(check.upToDate, 'behind the catalogue: run npm run contracts -- --update').toBe(true)
  })

  it('parses with @asyncapi/parser without errors: one message per type and version, an operation per producer and consumer', async () => {
    const { document, diagnostics } = await new Parser().parse(committed ?? '')
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error)
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([])
    expect(
      document!
        .messages()
        .all()
        .map((m) => m.id())
        .sort(),
    ).toEqual(catalogue.map((d) => `${d.type}.v${d.version}`).sort())
    const operations = document!.operations().all()
    expect(operations.map((o) => o.id()).sort()).toEqual(
      [
        ...Object.keys(PRODUCERS).map((name) => `${name}.publish`),
        ...Object.keys(CONSUMERS).map((name) => `${name}.receive`),
      ].sort(),
    )
    const inventory = operations.find((o) => o.id() === 'inventory.receive')!
    expect(inventory.action()).toBe('receive')
    expect(
      inventory
        .messages()
        .all()
        .map((m) => m.id()),
    ).toEqual(['order.placed.v1', 'order.cancelled.v1', 'order.cancelled.v2'])
  }, 120_000)
})

describe('the producers', () => {
  it('publish only types and versions the catalogue has', () => {
    for (const producer of Object.values(PRODUCERS)) {
      for (const [type, versions] of Object.entries(producer.events)) {
        for (const version of versions) {
          expect(findEvent(type, version), `${producer.name}: ${type} v${version}`).toBeDefined()
        }
      }
    }
  })
})
