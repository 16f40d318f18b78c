import { OrderPlacedV1 } from '../../catalogue/index.ts'
import { consumer } from '../../runtime/index.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'
import { authorizePayment } from './authorize.ts'

/** Consumes order.placed: authorizes the payment and records payment.authorized. */
export const handler = consumer({
  name: 'payments',
  events: { 'order.placed': OrderPlacedV1 },
  async handle(event, { logger }) {
    const result = await authorizePayment(event, {
      client: documentClient(),
      paymentsTable: requireEnv('PAYMENTS_TABLE'),
      eventsTable: requireEnv('EVENTS_TABLE'),
      now: new Date().toISOString(),
    })
    logger.info('payment handled', { result })
  },
})
