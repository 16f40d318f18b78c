import { OrderCancelledV2, OrderPlacedV1 } from '../../catalogue/index.ts'
import { consumer } from '../../runtime/index.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'
import { recordNotification } from './notify.ts'

/** Consumes the order events and records the customer notification for each. */
export const handler = consumer({
  name: 'notifications',
  events: { 'order.placed': OrderPlacedV1, 'order.cancelled': OrderCancelledV2 },
  async handle(event, { logger }) {
    const result = await recordNotification(event, {
      client: documentClient(),
      table: requireEnv('NOTIFICATIONS_TABLE'),
      now: new Date().toISOString(),
    })
    logger.info('notification recorded', { result })
  },
})
