import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { catalogue } from '../../functions/catalogue/index.ts'
import { Consumer, type ConsumerProps } from '../../lib/consumer.ts'
import { EventBus } from '../../lib/event-bus.ts'
import { EventCatalogue, publishedCatalogue } from '../../lib/event-catalogue.ts'
import { PROJECT_ROOT } from '../../lib/pipeline-function.ts'
import { freshStack, idempotencyTableIn } from './support.ts'

const published = publishedCatalogue(PROJECT_ROOT)

function consumerOnCatalogue(props: Partial<ConsumerProps>) {
  const stack = freshStack()
  return new Consumer(stack, 'Inventory', {
    bus: new EventBus(stack, 'Bus', { catalogue: published }),
    consumerName: 'inventory',
    events: ['order.placed'],
    entry: 'functions/consumers/inventory/handler.ts',
    idempotencyTable: idempotencyTableIn(stack),
    ...props,
  })
}

describe('the published catalogue, as the stack reads it', () => {
  it('has every type and version of the catalogue', () => {
    for (const d of catalogue) expect(published.versionsOf(d.type)).toContain(d.version)
    expect(published.versionsOf('order.cancelled')).toEqual([1, 2])
    expect(published.versionsOf('order.shipped')).toEqual([])
  })

  it('refuses a document whose message has no version header', () => {
    const file = path.join(tmpdir(), `asyncapi-${process.pid}.yaml`)
    writeFileSync(
      file,
      'components:\n  messages:\n    order.placed.v1:\n      name: order.placed\n',
    )
    expect(() => EventCatalogue.fromAsyncApi(file, 'broken.yaml')).toThrow(
      'broken.yaml: message order.placed.v1 has no name or no version header const',
    )
  })
})

describe('synth cross-check: a consumer on a bus with a catalogue', () => {
  it('fails naming the consumer and the version the catalogue lacks', () => {
    expect(() =>
      consumerOnCatalogue({
        events: ['order.placed', 'order.cancelled'],
        versions: { 'order.placed': [1, 3], 'order.cancelled': [2] },
      }),
    ).toThrow(
      "consumer 'inventory' subscribes to order.placed v3, which the catalogue (contracts/asyncapi.yaml) does not define (it has v1)",
    )
  })

  it('fails naming the consumer and the type the catalogue lacks', () => {
    expect(() => consumerOnCatalogue({ events: ['order.placed', 'order.shipped'] })).toThrow(
      "consumer 'inventory' subscribes to order.shipped, which the catalogue (contracts/asyncapi.yaml) does not define",
    )
  })

  it('passes types and versions the catalogue defines', () => {
    expect(() =>
      consumerOnCatalogue({
        events: ['order.placed', 'order.cancelled'],
        versions: { 'order.placed': [1], 'order.cancelled': [1, 2] },
      }),
    ).not.toThrow()
  })
})
