import { describe, expect, it } from 'vitest'
import {
  reactingDecider,
  reactionMetadata,
  reactionOrigin,
} from '../../../functions/event-store/reaction.ts'
import { inventoryDecider } from '../../../functions/inventory/index.ts'
import { stockCommandFor } from '../../../functions/inventory/stock-command-for.ts'
import { deciderSpec } from '../../support/given-when-then.ts'
import { customerCancelled, placed } from '../../support/saga-events.ts'

const given = deciderSpec(reactingDecider(inventoryDecider))
const now = new Date('2026-05-01T10:00:01.000Z')
const reserve = { trigger: placed, command: stockCommandFor(placed, { A: 9, B: 9 }, now) }

describe('reactingDecider', () => {
  it('records the trigger, then what the command decides on the state with it', () => {
    const decided = inventoryDecider.decide(reserve.command, inventoryDecider.initialState())
    expect(decided.map((e) => e.eventType)).toEqual(['inventory.reserved'])
    given([])
      .when(reserve)
      .then([placed, ...decided])
  })
  it('decides nothing for a trigger the stream holds: a redelivery', () => {
    given([placed]).when(reserve).then([])
  })
  it('decides on the facts recorded earlier: a cancellation that came first', () => {
    given([customerCancelled]).when(reserve).then([placed])
  })
})

describe('reactionOrigin and reactionMetadata', () => {
  it('stores the trigger as recorded and the rest as decided', () => {
    const origin = reactionOrigin(placed)
    expect(origin(placed)).toBe('recorded')
    expect(origin(customerCancelled)).toBe('decided')
  })
  it('derives the same event id from the same trigger and service, another for another', () => {
    const one = reactionMetadata(placed, 'inventory', now)
    expect(reactionMetadata(placed, 'inventory', new Date())).toMatchObject({
      eventId: one.eventId,
    })
    expect(reactionMetadata(placed, 'payments', now).eventId).not.toBe(one.eventId)
    expect(one).toMatchObject({ correlationId: 'corr-1', causationId: 'e-placed' })
    expect(one.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  })
})
