import { describe, expect, it } from 'vitest'
import {
  InvalidPaymentCommandError,
  type PaymentCommand,
  type PaymentStreamEvent,
  paymentDecider,
} from '../../../functions/payments/index.ts'
import { deciderSpec } from '../../support/given-when-then.ts'
import {
  authorized,
  customerCancelled,
  declined,
  metadata,
  placed,
  voided,
} from '../../support/saga-events.ts'

const given = deciderSpec(paymentDecider)

const authorize = (
  amount: number,
  provider: { approved: true } | { approved: false; reason: string } = { approved: true },
  eventId = 'e-authorized',
): PaymentCommand => ({
  type: 'AuthorizePayment',
  data: { orderId: 'o-1', paymentId: 'pay-1', amount, provider },
  metadata: metadata(eventId, '10:00:02', 'e-placed'),
})
const voidPayment: PaymentCommand = {
  type: 'VoidPayment',
  data: { orderId: 'o-1', reason: 'changed mind' },
  metadata: metadata('e-voided', '10:05:01', 'e-cancelled'),
}

describe('AuthorizePayment', () => {
  it("authorizes the order's total", () => {
    given([placed]).when(authorize(20.29)).then([authorized])
  })
  it("records the provider's decline with its reason", () => {
    given([placed])
      .when(authorize(20.29, { approved: false, reason: 'insufficient funds' }, 'e-declined'))
      .then([declined])
  })
  it('refuses an amount other than the total, and an order it has not seen placed', () => {
    given([placed])
      .when(authorize(20))
      .thenThrows(InvalidPaymentCommandError, "amount 20 is not the order's total 20.29")
    given([customerCancelled]).when(authorize(20.29)).then([])
    given([])
      .when(authorize(20.29))
      .thenThrows(InvalidPaymentCommandError, 'the order is not placed')
  })
  it('decides nothing for an order answered already, or cancelled before it arrived', () => {
    given([placed, authorized]).when(authorize(20.29)).then([])
    given([placed, declined]).when(authorize(20.29)).then([])
    given([customerCancelled, placed]).when(authorize(20.29)).then([])
  })
})

describe('VoidPayment', () => {
  it("voids a cancelled order's authorization", () => {
    given([placed, authorized, customerCancelled]).when(voidPayment).then([voided])
  })
  it('decides nothing when nothing is authorized, or it was voided already', () => {
    given([customerCancelled]).when(voidPayment).then([])
    given([placed, declined, customerCancelled]).when(voidPayment).then([])
    given([placed, authorized, customerCancelled, voided]).when(voidPayment).then([])
  })
})

describe('evolve', () => {
  const fold = (events: readonly PaymentStreamEvent[]) =>
    events.reduce(paymentDecider.evolve, paymentDecider.initialState())
  it('derives the status from the facts, in any order', () => {
    expect(fold([placed, authorized]).status).toBe('authorized')
    expect(fold([voided, customerCancelled, authorized, placed])).toEqual(
      fold([placed, authorized, customerCancelled, voided]),
    )
    expect(fold([placed, declined]).status).toBe('declined')
  })
})
