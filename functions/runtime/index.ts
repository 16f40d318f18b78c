export { backoffDelay } from './backoff-delay.ts'
export { classifyError, type FailureClass } from './classify-error.ts'
export { type ConsumedEvent, type ConsumerOptions, consumer } from './consumer.ts'
export type { EventHandler, HandlerContext } from './consumer-runtime.ts'
export {
  deadLetterAttributes,
  type FailureMetadata,
  failureAttribute,
  maxErrorMessageChars,
} from './dead-letter-attributes.ts'
export {
  BatchFailedError,
  ConsumerConfigError,
  ConsumerError,
  EffectsRejectedError,
  EventInProgressError,
  InvalidRecordError,
  type InvalidRecordReason,
  LeaseLostError,
  PermanentError,
  TransientError,
} from './errors.ts'
export {
  type Acquisition,
  type EffectWrites,
  type FailureHistory,
  IdempotencyStore,
  type IdempotencyStoreOptions,
  type Lock,
} from './idempotency-store.ts'
export { type ConsumerClients, processDynamoDb, processSqs } from './process-clients.ts'
export type { RecordLogger } from './record-logger.ts'
export type { RuntimeConfig, RuntimeSettings } from './resolve-config.ts'
export { awsLimits, runtimeDefaults } from './runtime-defaults.ts'
