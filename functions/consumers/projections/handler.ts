import { OrderCancelledV1, OrderPlacedV1 } from '../../catalogue/index.ts'
import { consumer } from '../../runtime/index.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'
import { projectOrder } from './order-view.ts'

/** Consumes the order events and upserts the order read model. */
export const handler = consumer({
  name: 'projections',
  events: { 'order.placed': OrderPlacedV1, 'order.cancelled': OrderCancelledV1 },
  async handle(event, { logger }) {
    const result = await projectOrder(event, {
      client: documentClient(),
      table: requireEnv('READ_MODEL_TABLE'),
      now: new Date().toISOString(),
    })
    logger.info('order projected', { result })
  },
})
