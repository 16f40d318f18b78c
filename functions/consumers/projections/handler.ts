import { CONSUMERS } from '../../../contracts/consumers.ts'
import { TABLE_ENVIRONMENT } from '../../../contracts/environment.ts'
import { consumedEvents } from '../../catalogue/index.ts'
import { projectOrder } from '../../order-read-model/index.ts'
import { ProjectionGapError } from '../../orders/index.ts'
import { consumer, TransientError } from '../../runtime/index.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'

const definition = CONSUMERS.projections

/** The catalogue's schemas of the types the definition lists: what this handler takes. */
export const events = consumedEvents(definition.eventTypes)

/**
 * Consumes the order events: records each in its order's stream in the event store and
 * projects the stream into the order read model, both committed with the idempotency record.
 */
export const handler = consumer({
  name: definition.name,
  events,
  async handle(event, { logger, attempt }) {
    try {
      const result = await projectOrder(
        event,
        {
          client: documentClient(),
          table: requireEnv(TABLE_ENVIRONMENT.readModel),
          eventsTable: requireEnv(TABLE_ENVIRONMENT.events),
        },
        { attempt },
      )
      const { writes, ...outcome } = result
      logger.info('order projected', { result: outcome })
      return writes.length > 0 ? writes : undefined
    } catch (error) {
      // A missing version may still arrive: come back after a backoff rather than skip it.
      if (error instanceof ProjectionGapError)
        throw new TransientError(error.message, { cause: error })
      throw error
    }
  },
})
