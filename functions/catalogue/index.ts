export {
  type CatalogueDefinition,
  catalogue,
  catalogueProblems,
  findEvent,
  latestEvent,
} from './catalogue.ts'
export { createEvent, type EventOrigin } from './create-event.ts'
export { type CurrentEventType, consumedEvents, currentEvents } from './current-events.ts'
export {
  defineEvent,
  type EventDefinition,
  type EventOf,
  type PayloadOf,
  type Upcaster,
} from './define-event.ts'
export { type EventEnvelope, eventEnvelope } from './envelope.ts'
export {
  CatalogueError,
  EventTooLargeError,
  EventValidationError,
  PublishError,
  UnknownEventError,
  UpcastError,
} from './errors.ts'
export { InventoryRejectedV1 } from './inventory-rejected.ts'
export { InventoryReleasedV1 } from './inventory-released.ts'
export { InventoryReservedV1 } from './inventory-reserved.ts'
export { OrderCancelledV1, OrderCancelledV2 } from './order-cancelled.ts'
export { OrderConfirmedV1 } from './order-confirmed.ts'
export { OrderPlacedV1, orderLine } from './order-placed.ts'
export { cents } from './payload-fields.ts'
export { PaymentAuthorizedV1 } from './payment-authorized.ts'
export { PaymentDeclinedV1 } from './payment-declined.ts'
export { PaymentVoidedV1 } from './payment-voided.ts'
export {
  createPublisher,
  type PublishedEvent,
  type Publisher,
  type PublisherOptions,
} from './publisher.ts'
export { snsBatches, snsMessageBytes } from './sns-batches.ts'
export { readEventAs, unreachableVersion, upcastChain, upcastEvent } from './upcast-event.ts'
export { validateEvent } from './validate-event.ts'
