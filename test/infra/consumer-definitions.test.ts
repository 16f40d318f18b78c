import path from 'node:path'
import { Template } from 'aws-cdk-lib/assertions'
import { beforeAll, describe, expect, it } from 'vitest'
import { CONSUMERS } from '../../contracts/consumers.ts'
import {
  type FunctionSourceMetadata,
  SOURCE_METADATA_KEY,
} from '../../contracts/function-source.ts'
import { EVENT_MESSAGE_ATTRIBUTES } from '../../contracts/message-attributes.ts'
import { createPipelineApp } from '../../lib/app.ts'
import { PROJECT_ROOT } from '../../lib/pipeline-function.ts'
import { NO_BUNDLING, type TemplateResource as Resource } from './support.ts'

// A subscription must never deliver an event type its handler would refuse (the runtime
// dead-letters unknown types). Read from the synthesized template, not from the contract:
// subscription → queue → event source mapping → function → its handler module's `events`.

interface Delivery {
  readonly queueId: string
  readonly filterPolicy: unknown
  readonly entry: string
  readonly accepted: readonly string[]
}

const getAttId = (value: unknown): string | undefined =>
  (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0]

/**
 * Why a subscription's filter policy could deliver a type outside `accepted`, or an empty list
 * when it cannot: only exact `eventType` values the handler takes pass.
 */
function undeliverable(filterPolicy: unknown, accepted: readonly string[]): string[] {
  if (filterPolicy === undefined) return ['no filter policy: every event type is delivered']
  const policy = filterPolicy as Record<string, unknown>
  const values = policy[EVENT_MESSAGE_ATTRIBUTES.eventType.name]
  if (!Array.isArray(values)) return ['the filter policy does not select on eventType']
  return values.flatMap((value) => {
    if (typeof value !== 'string') {
      return [`${JSON.stringify(value)} can match types the handler does not take`]
    }
    return accepted.includes(value) ? [] : [`${value} is delivered but the handler refuses it`]
  })
}

let deliveries: Delivery[]

beforeAll(async () => {
  const { stack } = createPipelineApp({ context: NO_BUNDLING, builtinValidation: false })
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type)
  const subscriptions = ofType('AWS::SNS::Subscription').filter(
    ([, r]) => r.Properties.Protocol === 'sqs',
  )
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
        events?: Readonly<Record<string, unknown>>
      }
      if (!module.events) throw new Error(`${source.entry} exports no events`)
      return {
        queueId,
        filterPolicy: subscription.Properties.FilterPolicy,
        entry: source.entry,
        accepted: Object.keys(module.events),
      }
    }),
  )
})

describe('each consumer subscription', () => {
  it('exists for every consumer definition', () => {
    expect(deliveries.map((d) => d.entry).sort()).toEqual(
      Object.values(CONSUMERS)
        .map((c) => c.entry)
        .sort(),
    )
  })

  it('delivers only event types its handler takes', () => {
    for (const delivery of deliveries) {
      expect(undeliverable(delivery.filterPolicy, delivery.accepted), delivery.entry).toEqual([])
    }
  })

  it("delivers every event type its handler takes, the types of the consumer's definition", () => {
    for (const delivery of deliveries) {
      const definition = Object.values(CONSUMERS).find((c) => c.entry === delivery.entry)
      const policy = delivery.filterPolicy as Record<string, unknown>
      const delivered = policy[EVENT_MESSAGE_ATTRIBUTES.eventType.name] as string[]
      expect([...delivered].sort(), delivery.entry).toEqual([...delivery.accepted].sort())
      expect([...delivery.accepted].sort(), delivery.entry).toEqual(
        [...(definition?.eventTypes ?? [])].sort(),
      )
    }
  })
})

describe('the delivery check', () => {
  const accepted = ['order.placed', 'order.cancelled']

  it('refuses a prefix, which would deliver a type added later', () => {
    expect(undeliverable({ eventType: [{ prefix: 'order.' }] }, accepted)).toEqual([
      '{"prefix":"order."} can match types the handler does not take',
    ])
  })

  it('refuses an exact type the handler does not take, and a missing policy', () => {
    expect(undeliverable({ eventType: ['order.placed', 'order.shipped'] }, accepted)).toEqual([
      'order.shipped is delivered but the handler refuses it',
    ])
    expect(undeliverable(undefined, accepted)).toHaveLength(1)
    expect(undeliverable({ version: ['1'] }, accepted)).toHaveLength(1)
  })

  it('passes exact types the handler takes', () => {
    expect(undeliverable({ eventType: ['order.cancelled'] }, accepted)).toEqual([])
  })
})
