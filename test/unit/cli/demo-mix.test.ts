import { describe, expect, it } from 'vitest'
import {
  defaultMix,
  demoOrder,
  parseMix,
  scarceSku,
  scarceStock,
} from '../../../cli/demo-orders.ts'
import { DECLINED_CUSTOMER } from '../../../functions/consumers/payments/card-provider.ts'

describe('--mix', () => {
  it('reads each branch as a share, and leaves out a branch not named', () => {
    expect(parseMix('declined=5%,out-of-stock=5%,cancel=10%')).toEqual(defaultMix)
    expect(parseMix('cancel=50%')).toEqual({ declined: 0, outOfStock: 0, cancel: 0.5 })
    expect(parseMix('')).toEqual({ declined: 0, outOfStock: 0, cancel: 0 })
  })
  it('names an unknown branch, a share without %, and shares over 100%', () => {
    expect(() => parseMix('refund=5%')).toThrow(/'refund=5%' is not <branch>=<percent>%/)
    expect(() => parseMix('cancel=5')).toThrow(/'cancel=5' is not/)
    expect(() => parseMix('cancel=60%,declined=50%')).toThrow(/add up to 110%, more than 100%/)
  })
})

describe('demoOrder', () => {
  const at = (r: number) => () => r
  it('picks the branch by the mix: declined, out of stock, cancelled, else confirmed', () => {
    const mix = { declined: 0.1, outOfStock: 0.1, cancel: 0.1 }
    const declined = demoOrder(mix, at(0.05))
    expect(declined.branch).toBe('declined')
    expect(declined.placed.payload).toMatchObject({ customerId: DECLINED_CUSTOMER })
    const short = demoOrder(mix, at(0.15))
    expect(short.branch).toBe('out-of-stock')
    expect(short.placed.payload.items).toContainEqual(
      expect.objectContaining({ sku: scarceSku, quantity: scarceStock + 1 }),
    )
    const cancelled = demoOrder(mix, at(0.25))
    expect(cancelled.branch).toBe('cancel')
    expect(cancelled.cancelled).toMatchObject({
      eventType: 'order.cancelled',
      causationId: cancelled.placed.eventId,
      payload: { orderId: cancelled.orderId, cancelledBy: 'customer' },
    })
    const confirmed = demoOrder(mix, at(0.5))
    expect(confirmed.branch).toBe('confirmed')
    expect(confirmed.cancelled).toBeUndefined()
    expect(confirmed.placed.payload.items.map((l) => l.sku)).not.toContain(scarceSku)
  })
})
