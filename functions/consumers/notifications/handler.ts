import { CONSUMERS } from '../../../contracts/consumers.ts'
import { TABLE_ENVIRONMENT } from '../../../contracts/environment.ts'
import { consumedEvents } from '../../catalogue/index.ts'
import { consumer } from '../../runtime/index.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'
import { recordNotification } from './notify.ts'

const definition = CONSUMERS.notifications

/** The catalogue's schemas of the types the definition lists, at the newest version it lists: what this handler reads. */
export const events = consumedEvents(definition.events)

/** Consumes the order events and records the customer notification for each. */
export const handler = consumer({
  name: definition.name,
  events,
  // Its notification is a put on the condition that the event's is not there yet, so a copy
  // run at once with another records nothing twice: no lease needed (docs/decisions/0006).
  leases: false,
  async handle(event, { logger }) {
    const result = await recordNotification(event, {
      client: documentClient(),
      table: requireEnv(TABLE_ENVIRONMENT.notifications),
      now: new Date().toISOString(),
    })
    logger.info('notification recorded', { result })
  },
})
