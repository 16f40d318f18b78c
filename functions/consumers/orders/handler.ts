import { CONSUMERS } from '../../../contracts/consumers.ts'
import { TABLE_ENVIRONMENT } from '../../../contracts/environment.ts'
import { consumedEvents } from '../../catalogue/index.ts'
import { InvalidOrderCommandError } from '../../orders/index.ts'
import { consumer } from '../../runtime/index.ts'
import { commitEffects } from '../shared/commit-effects.ts'
import { decidedWrites } from '../shared/decided-writes.ts'
import { documentClient } from '../shared/dynamodb.ts'
import { requireEnv } from '../shared/env.ts'
import { settleEffects } from './settle-effects.ts'

const definition = CONSUMERS.orders

/** The catalogue's schemas of the types the definition lists, at the newest version it lists: what this handler reads. */
export const events = consumedEvents(definition.events)

/**
 * The order saga (choreography: it only reacts to events): records each fact about an order
 * in the order's stream, and confirms the order once its stock is reserved and its payment
 * authorized, or cancels it on a rejection or a decline. The append commits on its own, on
 * the condition that the stream is still at the version read, then the idempotency record
 * completes; order.confirmed and order.cancelled reach the bus through the event store's
 * outbox.
 */
export const handler = consumer({
  name: definition.name,
  events,
  // Its append is exactly once by its own condition (the stream records the event consumed):
  // no lease (docs/decisions/0006), and the record completes on its own with a plain update,
  // 1 WRU instead of 2 inside the append's transaction (docs/decisions/0007).
  leases: false,
  batchIdempotencyWrites: false,
  async handle(event, { logger }) {
    const writes = await decidedWrites(logger, 'order settled', InvalidOrderCommandError, () =>
      settleEffects(event, {
        client: documentClient(),
        eventsTable: requireEnv(TABLE_ENVIRONMENT.events),
        now: new Date(),
      }),
    )
    await commitEffects(documentClient(), writes)
  },
})
