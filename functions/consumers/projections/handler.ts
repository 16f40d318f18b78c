import { CONSUMERS } from '../../../contracts/consumers.ts'
import { TABLE_ENVIRONMENT } from '../../../contracts/environment.ts'
import { consumedEvents } from '../../catalogue/index.ts'
import { projectOrder } from '../../order-read-model/index.ts'
import { ProjectionGapError } from '../../orders/index.ts'
import { consumer, TransientError } from '../../runtime/index.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'
import { notRecordedRetrySeconds } from './not-recorded-retry.ts'

const definition = CONSUMERS.projections

/** The catalogue's schemas of the types the definition lists, at the newest version it lists: what this handler reads. */
export const events = consumedEvents(definition.events)

/**
 * Consumes the order events and projects the order's stream (kept by the orders service)
 * into the order read model, the row committed with the idempotency record.
 */
export const handler = consumer({
  name: definition.name,
  events,
  // Its effect is the returned row, committed with the record: no lease needed to keep it
  // exactly once (docs/decisions/0006), one write a record less.
  leases: false,
  async handle(event, { logger, attempt }) {
    const retryAfterSeconds = notRecordedRetrySeconds(attempt)
    let result: Awaited<ReturnType<typeof projectOrder>>
    try {
      result = await projectOrder(event, {
        client: documentClient(),
        table: requireEnv(TABLE_ENVIRONMENT.readModel),
        eventsTable: requireEnv(TABLE_ENVIRONMENT.events),
      })
    } catch (error) {
      // A missing version may still arrive: come back after a backoff rather than skip it.
      if (error instanceof ProjectionGapError)
        throw new TransientError(error.message, { cause: error, retryAfterSeconds })
      throw error
    }
    const { writes, ...outcome } = result
    if (outcome.outcome === 'not-recorded') {
      // The orders service records the customer's events as it consumes them: soon.
      throw new TransientError(
        `order ${event.payload.orderId}'s stream does not hold ${event.eventType} ${event.eventId} yet`,
        { retryAfterSeconds },
      )
    }
    logger.info('order projected', { result: outcome })
    return writes
  },
})
