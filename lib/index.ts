// The public API of lib/: the constructs, the stack and the app. What they agree on with
// the Lambda code and the CLI (output keys, message attributes, table schemas) is in
// contracts/.
export {
  createPipelineApp,
  DATA_REMOVAL_POLICY_CONTEXT,
  OTLP_CONTEXT,
  type PipelineAppOptions,
} from './app.ts'
export { Consumer, type ConsumerProps, DEAD_LETTER_RETENTION } from './consumer.ts'
export { EventBus, type EventBusProps } from './event-bus.ts'
export { EventCatalogue, PUBLISHED_CONTRACT, publishedCatalogue } from './event-catalogue.ts'
export { EventStore, type EventStoreProps, OUTBOX_PUBLISHER_ENTRY } from './event-store.ts'
export { IdempotencyTable, type IdempotencyTableProps } from './idempotency-table.ts'
export { OrderPipelineStack, type OrderPipelineStackProps } from './order-pipeline-stack.ts'
export { OrderReadModels, type OrderReadModelsProps } from './order-read-models.ts'
export { exportTracesOverOtlp, type OtlpExportProps } from './otlp-export.ts'
export { type PhysicalNameOptions, physicalName } from './physical-name.ts'
export { PipelineFunction, type PipelineFunctionProps, PROJECT_ROOT } from './pipeline-function.ts'
export { PipelineMonitoring, type PipelineMonitoringProps } from './pipeline-monitoring.ts'
export { InvalidPropsError, type ValidationRule } from './validation.ts'
