import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { asyncApiDocument } from '../../../cli/contracts/asyncapi-document.ts'
import {
  type ContractChange,
  contractChanges,
  describeChange,
} from '../../../cli/contracts/contract-changes.ts'
import { defineEvent, type EventDefinition } from '../../../functions/catalogue/index.ts'

// The gate over a small catalogue of its own: one event type, `shop.order` v1, and the edits
// a team makes to it. Each edit regenerates the document and compares it with the original.

const fields = {
  orderId: z.string().min(1).max(64),
  status: z.enum(['open', 'shipped']),
  quantity: z.int().min(1).max(10),
  note: z.string().max(200).optional(),
}
const example = { orderId: 'o-1', status: 'open' as const, quantity: 2 }

const v1 = (payload: z.ZodType) => defineEvent({ type: 'shop.order', version: 1, payload })
const original = v1(z.object(fields))

function documentOf(definitions: readonly EventDefinition[], examples: Record<string, unknown>) {
  return asyncApiDocument({ definitions, consumers: [], producers: [], examples })
}

/** The changes from the original catalogue to an edited one. */
function gate(
  edited: readonly EventDefinition[],
  examples: Record<string, unknown> = { 'shop.order v1': example },
): ContractChange[] {
  return contractChanges(
    documentOf([original], { 'shop.order v1': example }),
    documentOf(edited, examples),
  )
}

const breaking = (changes: readonly ContractChange[]) => changes.filter((c) => c.breaking)

describe('the breaking-change gate fails each breaking edit, naming event, version, path and what to do', () => {
  it('remove a field', () => {
    const { quantity: _, ...rest } = fields
    const changes = breaking(
      gate([v1(z.object(rest))], { 'shop.order v1': { orderId: 'o-1', status: 'open' } }),
    )
    expect(changes.map(describeChange)).toEqual([
      'shop.order v1 $.payload.quantity: removed field (a rename is a removal); add shop.order v2 (defineEvent with upcastFrom: shop.order v1) and leave v1 as it is, or keep the field',
    ])
  })

  it('rename a field: the old name removed, the new one required', () => {
    const { orderId, ...rest } = fields
    const changes = breaking(
      gate([v1(z.object({ ...rest, id: orderId }))], {
        'shop.order v1': { id: 'o-1', status: 'open', quantity: 2 },
      }),
    )
    expect(changes.map((c) => `${c.path}: ${c.change}`)).toEqual([
      '$.payload.orderId: removed field (a rename is a removal)',
      '$.payload.id: new required field',
    ])
  })

  it('change a type', () => {
    const changes = breaking(
      gate([v1(z.object({ ...fields, quantity: z.string() }))], {
        'shop.order v1': { ...example, quantity: '2' },
      }),
    )
    expect(changes).toEqual([
      expect.objectContaining({
        eventType: 'shop.order',
        version: 1,
        path: '$.payload.quantity',
        change: 'changed type (integer → string)',
        advice: expect.stringContaining('add shop.order v2'),
      }),
    ])
  })

  it('make an optional field required', () => {
    const changes = breaking(
      gate([v1(z.object({ ...fields, note: z.string().max(200) }))], {
        'shop.order v1': { ...example, note: 'gift' },
      }),
    )
    expect(changes.map(describeChange)).toEqual([
      'shop.order v1 $.payload.note: optional became required; add shop.order v2 (defineEvent with upcastFrom: shop.order v1) and leave v1 as it is, or make the field optional again',
    ])
  })

  it('add a required field', () => {
    const changes = breaking(
      gate([v1(z.object({ ...fields, currency: z.string().length(3) }))], {
        'shop.order v1': { ...example, currency: 'EUR' },
      }),
    )
    expect(changes.map(describeChange)).toEqual([
      'shop.order v1 $.payload.currency: new required field; add shop.order v2 (defineEvent with upcastFrom: shop.order v1) and leave v1 as it is, or make the field optional',
    ])
  })

  it('narrow an enum', () => {
    const changes = breaking(gate([v1(z.object({ ...fields, status: z.enum(['open']) }))]))
    expect(changes.map((c) => `${c.path}: ${c.change}`)).toEqual([
      '$.payload.status: narrowed enum (removed shipped)',
    ])
  })

  it('narrow a range or a length', () => {
    const changes = breaking(
      gate([
        v1(
          z.object({
            ...fields,
            quantity: z.int().min(1).max(5),
            orderId: z.string().min(3).max(64),
          }),
        ),
      ]),
    )
    expect(changes.map((c) => `${c.path}: ${c.change}`)).toEqual([
      '$.payload.orderId: narrowed range (minLength 1 → 3)',
      '$.payload.quantity: narrowed range (maximum 10 → 5)',
    ])
  })

  it('remove a version or an event type', () => {
    const other = defineEvent({ type: 'shop.refund', version: 1, payload: z.object({}) })
    const before = documentOf([original, other], { 'shop.order v1': example, 'shop.refund v1': {} })
    const changes = contractChanges(before, documentOf([original], { 'shop.order v1': example }))
    expect(changes.map(describeChange)).toEqual([
      'shop.refund v1 $: removed event type; keep shop.refund v1 in the catalogue: its events are stored and in flight, and readers upcast them',
    ])
  })

  it('change an attribute', () => {
    const before = documentOf([original], { 'shop.order v1': example })
    const after = structuredClone(before) as {
      components: { messages: Record<string, { headers: { properties: Record<string, unknown> } }> }
    }
    after.components.messages['shop.order.v1']!.headers.properties.version = { type: 'number' }
    expect(breaking(contractChanges(before, after)).map(describeChange)).toEqual([
      expect.stringMatching(
        /^shop\.order v1 headers: changed attribute .*; keep the eventType and version attributes as they are/,
      ),
    ])
  })
})

describe('the breaking-change gate passes each compatible edit', () => {
  it('add an optional field', () => {
    const changes = gate([v1(z.object({ ...fields, giftWrap: z.boolean().optional() }))])
    expect(changes).toEqual([
      expect.objectContaining({
        breaking: false,
        path: '$.payload.giftWrap',
        change: 'new optional field',
      }),
    ])
  })

  it('widen an enum or a range', () => {
    const changes = gate([
      v1(
        z.object({
          ...fields,
          status: z.enum(['open', 'shipped', 'returned']),
          quantity: z.int().min(1).max(100),
        }),
      ),
    ])
    expect(breaking(changes)).toEqual([])
    expect(changes.map((c) => c.change)).toEqual([
      'widened enum (added returned)',
      'widened range (maximum 10 → 100)',
    ])
  })

  it('add a version with an upcaster, and a new event type', () => {
    const v2 = defineEvent({
      type: 'shop.order',
      version: 2,
      payload: z.object({ ...fields, currency: z.string().length(3) }),
      upcastFrom: {
        from: original,
        upcast: (e) => ({ ...(e.payload as typeof example), currency: 'EUR' }),
      },
    })
    const other = defineEvent({ type: 'shop.refund', version: 1, payload: z.object({}) })
    const changes = gate([original, v2, other], {
      'shop.order v1': example,
      'shop.order v2': { ...example, currency: 'EUR' },
      'shop.refund v1': {},
    })
    expect(changes.map(describeChange)).toEqual([
      'shop.order v2 $: new version',
      'shop.refund v1 $: new event type',
    ])
  })

  it('finds nothing when nothing changed', () => {
    expect(gate([original])).toEqual([])
  })
})

describe('the document generator', () => {
  it('refuses a definition without an example, and an example its schema refuses', () => {
    expect(() => documentOf([original], {})).toThrow(
      'no example for shop.order v1: add one to cli/contracts/event-examples.ts',
    )
    expect(() => documentOf([original], { 'shop.order v1': { orderId: '' } })).toThrow(
      /shop\.order v1 event example-shop\.order\.v1 is invalid/,
    )
  })
})
