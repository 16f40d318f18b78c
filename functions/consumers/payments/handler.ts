import { CONSUMERS } from '../../../contracts/consumers.ts'
import { TABLE_ENVIRONMENT } from '../../../contracts/environment.ts'
import { consumedEvents } from '../../catalogue/index.ts'
import { consumer } from '../../runtime/index.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'
import { authorizePayment } from './authorize.ts'

const definition = CONSUMERS.payments

/** The catalogue's schemas of the types the definition lists: what this handler takes. */
export const events = consumedEvents(definition.eventTypes)

/** Consumes order.placed: authorizes the payment and records payment.authorized. */
export const handler = consumer({
  name: definition.name,
  events,
  async handle(event, { logger }) {
    const result = await authorizePayment(event, {
      client: documentClient(),
      paymentsTable: requireEnv(TABLE_ENVIRONMENT.payments),
      eventsTable: requireEnv(TABLE_ENVIRONMENT.events),
      now: new Date().toISOString(),
    })
    logger.info('payment handled', { result })
  },
})
