import { CONSUMERS } from '../../../contracts/consumers.ts'
import { TABLE_ENVIRONMENT } from '../../../contracts/environment.ts'
import { consumedEvents } from '../../catalogue/index.ts'
import { InvalidPaymentCommandError } from '../../payments/index.ts'
import { consumer } from '../../runtime/index.ts'
import { commitEffects } from '../shared/commit-effects.ts'
import { decidedWrites } from '../shared/decided-writes.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'
import { paymentEffects } from './payment-effects.ts'

const definition = CONSUMERS.payments

/** The catalogue's schemas of the types the definition lists, at the newest version it lists: what this handler reads. */
export const events = consumedEvents(definition.events)

/**
 * Consumes order.placed (authorize the total, or record the decline) and order.cancelled
 * (void the authorization); its effects commit in one transaction of their own, then the
 * idempotency record completes, and its decisions reach the bus through the event store's
 * outbox.
 */
export const handler = consumer({
  name: definition.name,
  events,
  // Its effects are exactly once by their own condition (the append on the version read, the
  // stream recording the event consumed; the card provider is called with the payment id as
  // its idempotency key): no lease (docs/decisions/0006), and the record completes on its own
  // with a plain update, 1 WRU instead of 2 (docs/decisions/0007).
  leases: false,
  batchIdempotencyWrites: false,
  async handle(event, { logger }) {
    const writes = await decidedWrites(logger, 'payment decided', InvalidPaymentCommandError, () =>
      paymentEffects(event, {
        client: documentClient(),
        paymentsTable: requireEnv(TABLE_ENVIRONMENT.payments),
        eventsTable: requireEnv(TABLE_ENVIRONMENT.events),
        now: new Date(),
      }),
    )
    await commitEffects(documentClient(), writes)
  },
})
