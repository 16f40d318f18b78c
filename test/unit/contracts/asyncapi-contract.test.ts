import { DiagnosticSeverity, Parser } from '@asyncapi/parser'
import { describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { describeChange } from '../../../cli/contracts/contract-changes.ts'
import {
  CONTRACT_PATH,
  checkContract,
  pipelineSources,
  readCommittedContract,
} from '../../../cli/contracts/contract-file.ts'
import { CONSUMERS } from '../../../contracts/consumers.ts'
import { PRODUCERS } from '../../../contracts/producers.ts'
import {
  catalogue,
  eventEnvelope,
  findEvent,
  OrderPlacedV1,
} from '../../../functions/catalogue/index.ts'
import { OrderPlacedV2 } from '../../support/order-placed-v2.ts'

/** order.placed v1's envelope with v2's payload: the edit the gate exists to stop. */
const v1WithCurrency = z.extend(eventEnvelope, {
  eventType: z.literal('order.placed'),
  version: z.literal(1),
  payload: OrderPlacedV2.payload,
})

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

describe("the README's worked example through the gate", () => {
  it('order.placed v2 with its upcaster is a compatible change: a new version', () => {
    const check = checkContract(committed, {
      ...pipelineSources,
      definitions: [...catalogue, OrderPlacedV2],
      examples: {
        ...pipelineSources.examples,
        'order.placed v2': { ...pipelineSources.examples['order.placed v1']!, currency: 'USD' },
      },
    })
    expect(check.changes.map(describeChange)).toEqual(['order.placed v2 $: new version'])
    expect(check.upToDate).toBe(false)
  })

  it('changing order.placed v1 in place instead is breaking, and says to add v2', () => {
    const edited = catalogue.map((d) =>
      d === OrderPlacedV1 ? { ...OrderPlacedV2, version: 1, envelope: v1WithCurrency } : d,
    )
    const check = checkContract(committed, {
      ...pipelineSources,
      definitions: edited,
      examples: {
        ...pipelineSources.examples,
        'order.placed v1': { ...pipelineSources.examples['order.placed v1']!, currency: 'USD' },
      },
    })
    expect(check.breaking.map(describeChange)).toEqual([
      'order.placed v1 $.payload.currency: new required field; add order.placed v2 (defineEvent with upcastFrom: order.placed v1) and leave v1 as it is, or make the field optional',
    ])
  })
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
