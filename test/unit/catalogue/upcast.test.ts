import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  CatalogueError,
  catalogue,
  catalogueProblems,
  createEvent,
  defineEvent,
  EventValidationError,
  OrderCancelledV1,
  readEventAs,
  UnknownEventError,
  UpcastError,
  upcastEvent,
} from '../../../functions/catalogue/index.ts'
import { TallyAddedV1 } from '../../support/tally.ts'
import {
  addedV1,
  addedV2,
  addedV3,
  TallyAddedV2,
  TallyAddedV3,
  tallyVersions,
} from '../../support/tally-versions.ts'

describe('readEventAs', () => {
  it('upcasts through the chain, one version at a time, keeping the envelope', () => {
    const v1 = addedV1(2, 'e-1')
    expect(readEventAs(TallyAddedV2, v1)).toEqual({
      ...v1,
      version: 2,
      payload: { amount: 2, unit: 'item' },
    })
    expect(readEventAs(TallyAddedV3, v1)).toEqual({ ...v1, version: 3, payload: { quantity: 2 } })
    expect(readEventAs(TallyAddedV3, addedV2(2, 'dozen', 'e-2')).payload).toEqual({ quantity: 24 })
  })

  it('reads an event of its own version as it is, validated', () => {
    const v3 = addedV3(5, 'e-3')
    expect(readEventAs(TallyAddedV3, v3)).toEqual(v3)
    expect(() => readEventAs(TallyAddedV3, { ...v3, payload: { quantity: -1 } })).toThrow(
      EventValidationError,
    )
  })

  it('refuses a version that is not on the chain, or a newer one, naming what it reads', () => {
    expect(() => readEventAs(TallyAddedV2, addedV3(1, 'e-4'))).toThrow(
      "event type 'tally.added' version 3 is not in the catalogue (known: tally.added v2, tally.added v1)",
    )
    const unlinked = defineEvent({
      type: 'tally.added',
      version: 3,
      payload: z.object({ quantity: z.int() }),
    })
    expect(() => readEventAs(unlinked, addedV1(1, 'e-5'))).toThrow(UnknownEventError)
  })

  it('refuses an older event that is not valid at its own version', () => {
    expect(() =>
      readEventAs(TallyAddedV3, { ...addedV1(1, 'e-6'), payload: { amount: 0 } }),
    ).toThrow(/tally\.added v1 event e-6 is invalid: payload\.amount/)
  })

  it('names the step when an upcaster throws or returns what the newer version refuses', () => {
    const throwing = defineEvent({
      type: 'tally.added',
      version: 2,
      payload: z.object({ amount: z.int() }),
      upcastFrom: {
        from: TallyAddedV1,
        upcast: () => {
          throw new Error('no rate for this day')
        },
      },
    })
    const thrown = (() => {
      try {
        readEventAs(throwing, addedV1(1, 'e-7'))
      } catch (error) {
        return error
      }
    })()
    expect(thrown).toBeInstanceOf(UpcastError)
    expect(thrown).toMatchObject({
      message: 'tally.added event e-7: the upcast from v1 to v2 failed: no rate for this day',
      fromVersion: 1,
      toVersion: 2,
    })
    const wrong = defineEvent({
      type: 'tally.added',
      version: 2,
      payload: z.object({ amount: z.int(), unit: z.string() }),
      upcastFrom: { from: TallyAddedV1, upcast: (v1) => ({ amount: v1.payload.amount }) as never },
    })
    expect(() => readEventAs(wrong, addedV1(1, 'e-8'))).toThrow(
      /the upcast from v1 to v2 failed: payload\.unit: /,
    )
  })
})

describe('the catalogue’s upcasts', () => {
  it('reads a v1 order.cancelled as v2: a customer’s cancellation', () => {
    const v1 = createEvent(
      OrderCancelledV1,
      { orderId: 'o-1', reason: 'changed mind' },
      { source: 'shop', eventId: 'c-1' },
    )
    expect(upcastEvent(v1)).toEqual({
      ...v1,
      version: 2,
      payload: { orderId: 'o-1', reason: 'changed mind', cancelledBy: 'customer' },
    })
  })
})

describe('upcastEvent', () => {
  it('brings an event to the newest version its definitions know, or leaves it', () => {
    const v1 = addedV1(3, 'e-9')
    expect(upcastEvent(v1, tallyVersions)).toMatchObject({ version: 3, payload: { quantity: 3 } })
    expect(upcastEvent(v1, [TallyAddedV1, TallyAddedV2])).toMatchObject({ version: 2 })
    // At the newest version already, or a type they do not know: the same object back.
    const v3 = addedV3(1, 'e-10')
    expect(upcastEvent(v3, tallyVersions)).toBe(v3)
    expect(upcastEvent(v1, catalogue)).toBe(v1)
  })
})

describe('defineEvent upcastFrom', () => {
  it('takes an upcaster only from an older version of the same type', () => {
    const payload = z.object({ amount: z.int() })
    expect(() =>
      defineEvent({
        type: 'other.added',
        version: 2,
        payload,
        upcastFrom: { from: TallyAddedV1 as never, upcast: (e) => e.payload },
      }),
    ).toThrow(CatalogueError)
    expect(() =>
      defineEvent({
        type: 'tally.added',
        version: 1,
        payload,
        upcastFrom: { from: TallyAddedV1, upcast: (e) => e.payload },
      }),
    ).toThrow(
      'tally.added v1 cannot upcast from tally.added v1: an upcaster reads an older version of the same type',
    )
  })
})

describe('catalogueProblems', () => {
  it('finds none in the pipeline’s catalogue: every older version upcasts to the newest', () => {
    expect(catalogueProblems(catalogue)).toEqual([])
    expect(catalogueProblems(tallyVersions)).toEqual([])
  })

  it('names a version with no path to the newest, one defined twice, and a missing link', () => {
    const unlinked = defineEvent({ type: 'tally.added', version: 4, payload: z.object({}) })
    expect(catalogueProblems([...tallyVersions, unlinked, TallyAddedV1])).toEqual([
      'tally.added v1 is defined twice',
      'tally.added v1 has no upcast path to v4: declare upcastFrom on each newer version',
      'tally.added v2 has no upcast path to v4: declare upcastFrom on each newer version',
      'tally.added v3 has no upcast path to v4: declare upcastFrom on each newer version',
    ])
    expect(catalogueProblems([TallyAddedV1, TallyAddedV3])).toEqual([
      'tally.added v3 upcasts from tally.added v2, which is not in the catalogue',
    ])
  })
})
