import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createEvent, OrderPlacedV1, validateEvent } from '../../functions/catalogue/index.ts'

// The README tells newcomers to publish these files; they must stay valid as the catalogue changes.
const example = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8'))

describe('the README examples', () => {
  it('examples/order-placed.json is a valid order.placed v1 payload', () => {
    const payload = example('order-placed.json') as Parameters<
      typeof createEvent<typeof OrderPlacedV1>
    >[1]
    expect(createEvent(OrderPlacedV1, payload, { source: 'readme' }).payload).toEqual(payload)
  })

  it('examples/order-placed.event.json is a valid event envelope for aws sns publish', () => {
    expect(validateEvent(example('order-placed.event.json'))).toMatchObject({
      eventType: 'order.placed',
      version: 1,
    })
  })
})
