import path from 'node:path'
import { Template } from 'aws-cdk-lib/assertions'
import { beforeAll, describe, expect, it } from 'vitest'
import { eventMessage, filterPolicySelects } from '../../cli/filter-policy.ts'
import { CONSUMERS, readVersion } from '../../contracts/consumers.ts'
import {
  type FunctionSourceMetadata,
  SOURCE_METADATA_KEY,
} from '../../contracts/function-source.ts'
import {
  catalogue,
  type EventDefinition,
  latestEvent,
  OrderCancelledV2,
  OrderPlacedV1,
  unreachableVersion,
} from '../../functions/catalogue/index.ts'
import { createPipelineApp } from '../../lib/app.ts'
import { PROJECT_ROOT } from '../../lib/pipeline-function.ts'
import { NO_BUNDLING, type TemplateResource as Resource } from './support.ts'

// A subscription must never deliver an event type or version its handler would refuse (the
// runtime dead-letters unknown types and unreachable versions). Read from the synthesized
// template, not from the contract: subscription → queue → event source mapping → function →
// its handler module's `events`; the policy is evaluated as SNS would, for every type and
// version of the catalogue and for a type and a version it does not have yet.

interface Delivery {
  readonly queueId: string
  readonly filterPolicy: unknown
  readonly entry: string
  readonly events: Readonly<Record<string, EventDefinition>>
}

const getAttId = (value: unknown): string | undefined =>
  (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0]

/** Every type and version the catalogue has, and some it could have later. */
const probes = [
  ...catalogue.map((d) => ({ eventType: d.type, version: d.version })),
  ...[...new Set(catalogue.map((d) => d.type))].map((eventType) => ({
    eventType,
    version: (latestEvent(eventType)?.version ?? 0) + 1,
  })),
  { eventType: 'order.shipped', version: 1 },
]

/** The `type vN` a filter policy selects among the probes. */
function selected(filterPolicy: unknown, events = probes): string[] {
  const filter = {
    policy: filterPolicy as Record<string, unknown> | undefined,
    scope: 'MessageAttributes' as const,
  }
  return events
    .filter((event) => filterPolicySelects(filter, eventMessage(event)) === true)
    .map((event) => `${event.eventType} v${event.version}`)
}

/** Why a subscription's filter policy could deliver what the handler refuses; empty when it cannot. */
function undeliverable(
  filterPolicy: unknown,
  events: Readonly<Record<string, EventDefinition>>,
  candidates = probes,
): string[] {
  if (filterPolicy === undefined) return ['no filter policy: every event type is delivered']
  return candidates.flatMap((event) => {
    if (!selected(filterPolicy, [event]).length) return []
    const definition = events[event.eventType]
    const name = `${event.eventType} v${event.version}`
    if (!definition) return [`${name} is delivered but the handler does not take the type`]
    const problem = unreachableVersion(definition, event.version)
    return problem ? [`${name} is delivered but the handler refuses it: ${problem}`] : []
  })
}

let deliveries: Delivery[]
let unroutablePolicy: unknown

beforeAll(async () => {
  const { stack } = createPipelineApp({ context: NO_BUNDLING, builtinValidation: false })
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type)
  const sqsSubscriptions = ofType('AWS::SNS::Subscription').filter(
    ([, r]) => r.Properties.Protocol === 'sqs',
  )
  // The queue that keeps what no consumer selects has no consumer of its own.
  const isUnroutable = ([id]: [string, Resource]) => id.startsWith('Unroutable')
  unroutablePolicy = sqsSubscriptions.find(isUnroutable)?.[1].Properties.FilterPolicy
  const subscriptions = sqsSubscriptions.filter((entry) => !isUnroutable(entry))
  deliveries = await Promise.all(
    subscriptions.map(async ([id, subscription]) => {
      const queueId = getAttId(subscription.Properties.Endpoint)
      const mapping = ofType('AWS::Lambda::EventSourceMapping').find(
        ([, r]) => getAttId(r.Properties.EventSourceArn) === queueId,
      )
      if (!queueId || !mapping) throw new Error(`${id}: no event source mapping consumes its queue`)
      const functionId = (mapping[1].Properties.FunctionName as { Ref: string }).Ref
      const source = resources[functionId]?.Metadata?.[SOURCE_METADATA_KEY] as
        | FunctionSourceMetadata
        | undefined
      if (!source) throw new Error(`${functionId}: no ${SOURCE_METADATA_KEY} metadata`)
      const module = (await import(path.join(PROJECT_ROOT, source.entry))) as {
        events?: Readonly<Record<string, EventDefinition>>
      }
      if (!module.events) throw new Error(`${source.entry} exports no events`)
      return {
        queueId,
        filterPolicy: subscription.Properties.FilterPolicy,
        entry: source.entry,
        events: module.events,
      }
    }),
  )
})

describe('the unroutable events subscription', () => {
  it('selects every event type no consumer selects, and an event without an eventType', () => {
    const types = (policy: unknown) => new Set(selected(policy).map((e) => e.split(' ')[0]))
    const consumed = new Set(deliveries.flatMap((d) => [...types(d.filterPolicy)]))
    const unconsumed = [...new Set(probes.map((p) => p.eventType))].filter((t) => !consumed.has(t))
    expect(unconsumed).toContain('order.shipped')
    expect([...types(unroutablePolicy)].sort()).toEqual(unconsumed.sort())
    const filter = {
      policy: unroutablePolicy as Record<string, unknown>,
      scope: 'MessageAttributes' as const,
    }
    expect(filterPolicySelects(filter, { attributes: {} })).toBe(true)
  })
})

describe('each consumer subscription', () => {
  it('exists for every consumer definition', () => {
    expect(deliveries.map((d) => d.entry).sort()).toEqual(
      Object.values(CONSUMERS)
        .map((c) => c.entry)
        .sort(),
    )
  })

  it('delivers only event types and versions its handler reads', () => {
    for (const delivery of deliveries) {
      expect(undeliverable(delivery.filterPolicy, delivery.events), delivery.entry).toEqual([])
    }
  })

  it("delivers exactly the types and versions of the consumer's definition, the newest its handler's", () => {
    for (const delivery of deliveries) {
      const definition = Object.values(CONSUMERS).find((c) => c.entry === delivery.entry)!
      const declared = Object.entries(definition.events).flatMap(([type, versions]) =>
        versions.map((v) => `${type} v${v}`),
      )
      expect(selected(delivery.filterPolicy).sort(), delivery.entry).toEqual(declared.sort())
      for (const [type, versions] of Object.entries(definition.events)) {
        expect(delivery.events[type]?.version, `${delivery.entry} ${type}`).toBe(
          readVersion(versions),
        )
      }
    }
  })
})

describe('the delivery check', () => {
  const events = { 'order.placed': OrderPlacedV1, 'order.cancelled': OrderCancelledV2 }

  it('refuses a prefix, which would deliver a type added later', () => {
    expect(undeliverable({ eventType: [{ prefix: 'order.' }] }, events)).toContain(
      'order.shipped v1 is delivered but the handler does not take the type',
    )
  })

  it('refuses a version the handler cannot read, a type it does not take, and no policy', () => {
    expect(undeliverable({ eventType: ['order.placed'] }, events)).toEqual([
      expect.stringMatching(/^order\.placed v2 is delivered but the handler refuses it: .*newer/),
    ])
    expect(
      undeliverable({ eventType: ['order.cancelled', 'order.confirmed'], version: ['1'] }, events),
    ).toEqual(['order.confirmed v1 is delivered but the handler does not take the type'])
    expect(undeliverable(undefined, events)).toHaveLength(1)
  })

  it('passes the versions the handler reads, directly or by upcasting', () => {
    const policy = {
      $or: [
        { eventType: ['order.placed'], version: ['1'] },
        { eventType: ['order.cancelled'], version: ['1', '2'] },
      ],
    }
    expect(undeliverable(policy, events)).toEqual([])
    expect(selected(policy)).toEqual([
      'order.placed v1',
      'order.cancelled v1',
      'order.cancelled v2',
    ])
  })
})
