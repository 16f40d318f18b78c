import { OrderCancelledV2, OrderPlacedV1 } from '../../catalogue/index.ts'
import { consumer } from '../../runtime/index.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'
import { releaseStock, reserveStock } from './stock.ts'

/** Consumes order.placed (reserve stock) and order.cancelled (release it). */
export const handler = consumer({
  name: 'inventory',
  events: { 'order.placed': OrderPlacedV1, 'order.cancelled': OrderCancelledV2 },
  async handle(event, { logger }) {
    const deps = {
      client: documentClient(),
      table: requireEnv('INVENTORY_TABLE'),
      now: new Date().toISOString(),
    }
    const result =
      event.eventType === 'order.placed'
        ? await reserveStock(event, deps)
        : await releaseStock(event, deps)
    logger.info('inventory updated', { result })
  },
})
