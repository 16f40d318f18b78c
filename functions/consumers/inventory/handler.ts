import { CONSUMERS } from '../../../contracts/consumers.ts'
import { TABLE_ENVIRONMENT } from '../../../contracts/environment.ts'
import { consumedEvents } from '../../catalogue/index.ts'
import { InvalidStockCommandError } from '../../inventory/index.ts'
import { consumer } from '../../runtime/index.ts'
import { decidedWrites } from '../shared/decided-writes.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'
import { stockEffects } from './stock-effects.ts'

const definition = CONSUMERS.inventory

/** The catalogue's schemas of the types the definition lists, at the newest version it lists: what this handler reads. */
export const events = consumedEvents(definition.events)

/**
 * Consumes order.placed (reserve the stock, or reject the order) and order.cancelled
 * (release it); its effects commit with the idempotency record in one transaction, and its
 * decisions reach the bus through the event store's outbox.
 */
export const handler = consumer({
  name: definition.name,
  events,
  // Its effects are the returned writes, committed with the record: no lease needed to keep
  // them exactly once (docs/decisions/0006), one write a record less.
  leases: false,
  handle: (event, { logger }) =>
    decidedWrites(logger, 'inventory decided', InvalidStockCommandError, () =>
      stockEffects(event, {
        client: documentClient(),
        table: requireEnv(TABLE_ENVIRONMENT.inventory),
        eventsTable: requireEnv(TABLE_ENVIRONMENT.events),
        now: new Date(),
      }),
    ),
})
