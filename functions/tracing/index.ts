export { traceDynamoDb } from './dynamodb-spans.ts'
export {
  activeTraceFields,
  contextOfMessage,
  contextOfStoredEvent,
  endWithError,
  injectIntoAttributes,
  linkTo,
  MESSAGING,
  startPublishSpan,
  tracer,
} from './messaging-spans.ts'
export {
  flushSpans,
  startTracing,
  stopTracing,
  type TracesExporter,
  tracesExporterOf,
  tracingOn,
} from './start-tracing.ts'
