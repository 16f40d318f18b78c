import { describe, expect, it } from 'vitest'
import {
  InvalidStockCommandError,
  type InventoryStreamEvent,
  inventoryDecider,
  type StockCommand,
} from '../../../functions/inventory/index.ts'
import { deciderSpec } from '../../support/given-when-then.ts'
import {
  customerCancelled,
  lines,
  metadata,
  placed,
  rejected,
  released,
  reserved,
} from '../../support/saga-events.ts'

const given = deciderSpec(inventoryDecider)

const reserve = (available: Record<string, number>, eventId = 'e-reserved') => ({
  type: 'ReserveStock' as const,
  data: { orderId: 'o-1', lines, available },
  metadata: metadata(eventId, '10:00:01', 'e-placed'),
})
const release: StockCommand = {
  type: 'ReleaseStock',
  data: { orderId: 'o-1', reason: 'changed mind' },
  metadata: metadata('e-released', '10:05:01', 'e-cancelled'),
}

describe('ReserveStock', () => {
  it('reserves every line when each SKU has enough', () => {
    given([placed])
      .when(reserve({ A: 3, B: 10 }))
      .then([reserved])
  })
  it('rejects the whole order when one SKU is short, naming it with both quantities', () => {
    given([placed])
      .when(reserve({ A: 3 }, 'e-rejected'))
      .then([rejected])
  })
  it('sums repeated SKUs before checking them', () => {
    const twice: StockCommand = {
      ...reserve({ A: 4 }, 'e-rejected'),
      data: {
        orderId: 'o-1',
        lines: [
          { sku: 'A', quantity: 3 },
          { sku: 'A', quantity: 2 },
        ],
        available: { A: 4 },
      },
    }
    given([placed])
      .when(twice)
      .then([
        {
          ...rejected,
          payload: { orderId: 'o-1', shortSkus: [{ sku: 'A', requested: 5, available: 4 }] },
        },
      ])
  })
  it('decides nothing for an order answered already, or cancelled before it arrived', () => {
    given([placed, reserved])
      .when(reserve({ A: 9, B: 9 }))
      .then([])
    given([placed, rejected])
      .when(reserve({ A: 9, B: 9 }))
      .then([])
    given([customerCancelled, placed])
      .when(reserve({ A: 9, B: 9 }))
      .then([])
  })
  it('refuses a command for another order than the stream is', () => {
    given([placed])
      .when({ ...reserve({}), data: { orderId: 'o-2', lines, available: {} } })
      .thenThrows(InvalidStockCommandError, "the state is order o-1's")
  })
})

describe('ReleaseStock', () => {
  it("gives a cancelled order's reserved lines back", () => {
    given([placed, reserved, customerCancelled]).when(release).then([released])
  })
  it('decides nothing when nothing is held: not reserved, rejected, or released already', () => {
    given([customerCancelled]).when(release).then([])
    given([placed, rejected, customerCancelled]).when(release).then([])
    given([placed, reserved, customerCancelled, released]).when(release).then([])
  })
})

describe('evolve', () => {
  const fold = (events: readonly InventoryStreamEvent[]) =>
    events.reduce(inventoryDecider.evolve, inventoryDecider.initialState())
  it('derives the status from the facts, in any order', () => {
    expect(fold([placed, reserved]).status).toBe('reserved')
    expect(fold([released, customerCancelled, reserved, placed])).toEqual(
      fold([placed, reserved, customerCancelled, released]),
    )
    expect(fold([placed, reserved, customerCancelled, released]).status).toBe('released')
    expect(fold([rejected]).status).toBe('rejected')
  })
})
