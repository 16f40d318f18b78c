import { CONSUMERS } from '../../../contracts/consumers.ts'
import { TABLE_ENVIRONMENT } from '../../../contracts/environment.ts'
import { consumedEvents } from '../../catalogue/index.ts'
import { InvalidStockCommandError } from '../../inventory/index.ts'
import { consumer, PermanentError } from '../../runtime/index.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'
import { stockEffects } from './stock-effects.ts'

const definition = CONSUMERS.inventory

/** The catalogue's schemas of the types the definition lists: what this handler takes. */
export const events = consumedEvents(definition.eventTypes)

/**
 * Consumes order.placed (reserve the stock, or reject the order) and order.cancelled
 * (release it); its effects commit with the idempotency record in one transaction, and its
 * decisions reach the bus through the event store's outbox.
 */
export const handler = consumer({
  name: definition.name,
  events,
  async handle(event, { logger }) {
    try {
      const { writes, ...result } = await stockEffects(event, {
        client: documentClient(),
        table: requireEnv(TABLE_ENVIRONMENT.inventory),
        eventsTable: requireEnv(TABLE_ENVIRONMENT.events),
        now: new Date(),
      })
      logger.info('inventory decided', { result })
      return writes
    } catch (error) {
      // A command its decider refuses whatever the state: retrying cannot help.
      if (error instanceof InvalidStockCommandError) {
        throw new PermanentError(error.message, { cause: error })
      }
      throw error
    }
  },
})
