// The public API of lib/: the constructs, the stack, the app, and the contracts other
// parts of the project read (output keys, message attributes, table schemas).
export { createPipelineApp, DATA_REMOVAL_POLICY_CONTEXT, type PipelineAppOptions } from './app.ts'
export {
  CONSUMER_ENVIRONMENT,
  Consumer,
  type ConsumerProps,
  DEAD_LETTER_RETENTION,
  idempotencyKeyPrefix,
  METRICS_NAMESPACE,
} from './consumer.ts'
export { EventBus, type EventBusProps } from './event-bus.ts'
export {
  EVENT_STORE_SCHEMA,
  EventStore,
  type EventStoreProps,
  OUTBOX_PUBLISHER_ENTRY,
} from './event-store.ts'
export {
  IDEMPOTENCY_TABLE_SCHEMA,
  IdempotencyTable,
  type IdempotencyTableProps,
} from './idempotency-table.ts'
export {
  EVENT_MESSAGE_ATTRIBUTES,
  type EventSelector,
  eventMessageAttributes,
  messageGroupIdOf,
} from './message-attributes.ts'
export { OrderPipelineStack, type OrderPipelineStackProps } from './order-pipeline-stack.ts'
export {
  ORDER_TABLE_SCHEMAS,
  OrderReadModels,
  type OrderReadModelsProps,
} from './order-read-models.ts'
export * from './outputs.ts'
export {
  type FunctionSourceMetadata,
  PipelineFunction,
  type PipelineFunctionProps,
  PROJECT_ROOT,
  SOURCE_METADATA_KEY,
} from './pipeline-function.ts'
export {
  PipelineMonitoring,
  type PipelineMonitoringProps,
  RUNTIME_METRICS,
} from './pipeline-monitoring.ts'
export { InvalidPropsError, type ValidationRule } from './validation.ts'
