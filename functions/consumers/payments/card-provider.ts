import type { ProviderAnswer } from '../../payments/index.ts'

/** The demo customer whose card is always declined, so the demo shows that branch. */
export const DECLINED_CUSTOMER = 'customer-declined'

/**
 * The demo's card provider: it approves every payment except the declined customer's. A real
 * one is called here (with the payment id as its idempotency key); the decider only sees the
 * answer.
 */
export function demoCardProvider(customerId: string, _amount: number): ProviderAnswer {
  return customerId === DECLINED_CUSTOMER
    ? { approved: false, reason: 'insufficient funds' }
    : { approved: true }
}
