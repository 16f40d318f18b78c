import { CONSUMERS } from '../../../contracts/consumers.ts'
import { TABLE_ENVIRONMENT } from '../../../contracts/environment.ts'
import { consumedEvents } from '../../catalogue/index.ts'
import { InvalidPaymentCommandError } from '../../payments/index.ts'
import { consumer } from '../../runtime/index.ts'
import { decidedWrites } from '../shared/decided-writes.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'
import { paymentEffects } from './payment-effects.ts'

const definition = CONSUMERS.payments

/** The catalogue's schemas of the types the definition lists, at the newest version it lists: what this handler reads. */
export const events = consumedEvents(definition.events)

/**
 * Consumes order.placed (authorize the total, or record the decline) and order.cancelled
 * (void the authorization); its effects commit with the idempotency record in one
 * transaction, and its decisions reach the bus through the event store's outbox.
 */
export const handler = consumer({
  name: definition.name,
  events,
  // Its effects are the returned writes, committed with the record (the card provider is
  // called with the payment id as its idempotency key): no lease needed (docs/decisions/0006).
  leases: false,
  handle: (event, { logger }) =>
    decidedWrites(logger, 'payment decided', InvalidPaymentCommandError, () =>
      paymentEffects(event, {
        client: documentClient(),
        paymentsTable: requireEnv(TABLE_ENVIRONMENT.payments),
        eventsTable: requireEnv(TABLE_ENVIRONMENT.events),
        now: new Date(),
      }),
    ),
})
