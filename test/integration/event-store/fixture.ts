import { randomUUID } from 'node:crypto'
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { createEvent, OrderCancelledV1, OrderPlacedV1 } from '../../../functions/catalogue/index.ts'
import { emulatorClientConfig } from '../../../local/client-config.ts'

/** A document client on the endpoint, as the consumers' shared client is configured. */
export function documentClientFor(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(emulatorClientConfig(endpoint)), {
    marshallOptions: { removeUndefinedValues: true },
  })
}

/** A fresh events table keyed as the EventStore construct keys it, with a NEW_IMAGE stream. */
export async function createEventsTable(
  endpoint: string,
  name = `events-${randomUUID().slice(0, 8)}`,
) {
  await new DynamoDBClient(emulatorClientConfig(endpoint)).send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  )
  return name
}

/** An order.placed event at a given time. */
export function placed(orderId: string, at: string, eventId: string = randomUUID()) {
  return createEvent(
    OrderPlacedV1,
    {
      orderId,
      customerId: 'c-1',
      items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 5 }],
      total: 10,
    },
    { source: 'test', eventId, timestamp: new Date(at), correlationId: `corr-${orderId}` },
  )
}

/** An order.cancelled event at a given time. */
export function cancelled(orderId: string, at: string, eventId: string = randomUUID()) {
  return createEvent(
    OrderCancelledV1,
    { orderId, reason: 'changed mind' },
    { source: 'test', eventId, timestamp: new Date(at), correlationId: `corr-${orderId}` },
  )
}
