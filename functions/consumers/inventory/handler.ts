import { CONSUMERS } from '../../../contracts/consumers.ts'
import { TABLE_ENVIRONMENT } from '../../../contracts/environment.ts'
import { consumedEvents } from '../../catalogue/index.ts'
import { consumer } from '../../runtime/index.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'
import { releaseStock, reserveStock } from './stock.ts'

const definition = CONSUMERS.inventory

/** The catalogue's schemas of the types the definition lists: what this handler takes. */
export const events = consumedEvents(definition.eventTypes)

/** Consumes order.placed (reserve stock) and order.cancelled (release it). */
export const handler = consumer({
  name: definition.name,
  events,
  async handle(event, { logger }) {
    const deps = {
      client: documentClient(),
      table: requireEnv(TABLE_ENVIRONMENT.inventory),
      now: new Date().toISOString(),
    }
    const result =
      event.eventType === 'order.placed'
        ? await reserveStock(event, deps)
        : await releaseStock(event, deps)
    logger.info('inventory updated', { result })
  },
})
