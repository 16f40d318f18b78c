import { randomUUID } from 'node:crypto'
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { EventStore } from '../../event-store/index.ts'
import { failedConditions } from '../shared/dynamodb.ts'
import type { OrderPlaced } from '../shared/order-events.ts'

export interface PaymentDeps {
  readonly client: DynamoDBDocumentClient
  readonly paymentsTable: string
  readonly eventsTable: string
  /** The time of processing, ISO 8601. */
  readonly now: string
  /** A new unique id (payment and event ids). */
  readonly newId?: () => string
}

export type AuthorizationOutcome =
  | { readonly outcome: 'authorized'; readonly paymentId: string }
  | { readonly outcome: 'duplicate' }

/** The event stream of an order's payment in the event store. */
const paymentStreamId = (orderId: string) => `payment-${orderId}`

/**
 * Authorizes the order's total, once per order: in one transaction, the authorization is
 * written to the payments table (keyed by orderId, so a redelivered event is a no-op) and a
 * `payment.authorized` event is appended as version 1 of the order's payment stream in the
 * event store, from where the outbox publisher puts it on the bus.
 */
export async function authorizePayment(
  event: OrderPlaced,
  deps: PaymentDeps,
): Promise<AuthorizationOutcome> {
  const newId = deps.newId ?? randomUUID
  const { orderId, customerId, total } = event.payload
  const paymentId = `pay-${newId()}`
  const authorized = {
    eventId: newId(),
    eventType: 'payment.authorized',
    version: 1,
    timestamp: deps.now,
    source: 'payments',
    correlationId: event.correlationId,
    causationId: event.eventId,
    payload: { orderId, paymentId, customerId, amount: total },
  }
  const store = new EventStore({ client: deps.client, eventsTable: deps.eventsTable })
  const append = await store.prepareAppend(paymentStreamId(orderId), [authorized], {
    expectedVersion: 'no-stream',
  })
  try {
    await deps.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: deps.paymentsTable,
              Item: {
                orderId,
                paymentId,
                customerId,
                amount: total,
                status: 'authorized',
                authorizedAt: deps.now,
                eventId: event.eventId,
              },
              ConditionExpression: 'attribute_not_exists(orderId)',
            },
          },
          ...append.writes,
        ],
      }),
    )
    return { outcome: 'authorized', paymentId }
  } catch (error) {
    const failed = failedConditions(error)
    if (failed !== undefined && failed.length > 0) return { outcome: 'duplicate' }
    throw error
  }
}
