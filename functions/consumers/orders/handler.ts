import { CONSUMERS } from '../../../contracts/consumers.ts'
import { TABLE_ENVIRONMENT } from '../../../contracts/environment.ts'
import { consumedEvents } from '../../catalogue/index.ts'
import { InvalidOrderCommandError } from '../../orders/index.ts'
import { consumer } from '../../runtime/index.ts'
import { decidedWrites } from '../shared/decided-writes.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'
import { settleEffects } from './settle-effects.ts'

const definition = CONSUMERS.orders

/** The catalogue's schemas of the types the definition lists, at the newest version it lists: what this handler reads. */
export const events = consumedEvents(definition.events)

/**
 * The order saga (choreography: it only reacts to events): records each fact about an order
 * in the order's stream, and confirms the order once its stock is reserved and its payment
 * authorized, or cancels it on a rejection or a decline. The append commits with the
 * idempotency record in one transaction; order.confirmed and order.cancelled reach the bus
 * through the event store's outbox.
 */
export const handler = consumer({
  name: definition.name,
  events,
  // Its effects are the returned append, committed with the record: no lease needed to keep
  // them exactly once (docs/decisions/0006), one write a record less.
  leases: false,
  handle: (event, { logger }) =>
    decidedWrites(logger, 'order settled', InvalidOrderCommandError, () =>
      settleEffects(event, {
        client: documentClient(),
        eventsTable: requireEnv(TABLE_ENVIRONMENT.events),
        now: new Date(),
      }),
    ),
})
